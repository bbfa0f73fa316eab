// Package results is the Results screen: the output of a RunScript command
// (exit code, stdout and stderr with search, save and copy) or the file a
// GetFile command collected.
package results

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/common"
	"mdlr/ui/widgets"
	"mdlr/ui/widgets/pager"
)

// Streams of a RunScript result.
const (
	streamStdout = iota
	streamStderr
)

// mode says what the keyboard drives.
type mode int

const (
	modeView mode = iota
	modeSearch
	modeSave
)

// The output viewer sits under the heading (wrapped, one line or more),
// the script line and the stream tabs, and above the footer.
const (
	headerFixedLines = 2
	footerLines      = 1
)

// Model is the Results screen.
type Model struct {
	c             *common.Common
	width, height int

	actionID string
	index    int
	gen      int // load generation: stale loads are dropped
	loading  bool

	action    state.ActionView
	cmd       state.CommandView
	err       error
	result    *api.ScriptResult
	resultErr error

	stream    int
	pagers    [2]pager.Model
	mode      mode
	input     widgets.Field
	searchGen int
	searching bool
	note      string
	noteErr   bool
}

// New builds the Results screen.
func New(c *common.Common) *Model {
	m := &Model{c: c}
	for i := range m.pagers {
		m.pagers[i] = pager.New(c.Styles.Match, c.Styles.MatchCurrent)
		m.pagers[i].Marker, m.pagers[i].Escaped = c.Styles.Subtle, c.Styles.Escaped
	}
	return m
}

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return nil }

// Title implements common.Screen.
func (m *Model) Title() string { return "Results" }

// Capturing implements common.Screen: true while the search or save prompt is open.
func (m *Model) Capturing() bool { return m.mode != modeView }

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.layout()
	m.input.SetWidth(max(10, w-20))
}

// viewerHeight is the output viewer's height under the (wrapped) heading.
func (m *Model) viewerHeight() int {
	return max(0, m.height-len(m.headingLines())-headerFixedLines-footerLines)
}

// layout sizes the viewers; the heading's height depends on the command
// shown, so it runs after every update as well as on resize.
func (m *Model) layout() {
	for i := range m.pagers {
		m.pagers[i].SetSize(m.width, m.viewerHeight())
	}
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	cmd := m.update(msg)
	m.layout()
	return cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.NavigateMsg:
		if msg.To != common.ResultsScreen {
			return nil
		}
		return m.open(msg.ActionID, msg.CommandIndex)
	case loadedMsg:
		if msg.gen == m.gen {
			m.applyLoaded(msg)
		}
	case searchedMsg:
		if msg.gen == m.searchGen {
			m.searching = false
			m.pagers[msg.stream].SetSearch(msg.result)
		}
	case savedMsg:
		if msg.err != nil {
			m.setNote("save failed: "+msg.err.Error(), true)
		} else {
			m.setNote(fmt.Sprintf("saved %s to %s", widgets.Bytes(int64(msg.bytes)), msg.path), false)
		}
	case common.PolledMsg:
		return m.refreshOnPoll(msg)
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.PasteMsg:
		m.input.Update(msg)
	}
	return nil
}

// open (re)initialises the screen for one command and starts loading it.
func (m *Model) open(actionID string, index int) tea.Cmd {
	m.actionID, m.index = actionID, index
	m.action, m.cmd = state.ActionView{}, state.CommandView{}
	m.err, m.result, m.resultErr = nil, nil, nil
	m.stream, m.mode, m.searching = streamStdout, modeView, false
	m.note, m.noteErr = "", false
	for i := range m.pagers {
		m.pagers[i].SetContent(pager.Content{})
	}
	return m.reload()
}

// reload starts a new load of the current command.
func (m *Model) reload() tea.Cmd {
	m.gen++
	m.loading = true
	return loadCmd(m.c.Engine, m.actionID, m.index, m.gen)
}

func (m *Model) applyLoaded(msg loadedMsg) {
	m.loading = false
	m.action, m.cmd, m.err = msg.action, msg.cmd, msg.err
	m.resultErr = msg.resultErr
	if msg.result != nil {
		m.result = msg.result
		m.pagers[streamStdout].SetContent(msg.stdout)
		m.pagers[streamStderr].SetContent(msg.stderr)
		if len(msg.stdout.Lines) == 0 && len(msg.stderr.Lines) > 0 {
			m.stream = streamStderr
		}
	}
}

// refreshOnPoll reloads while the result is still missing and the action changed.
func (m *Model) refreshOnPoll(msg common.PolledMsg) tea.Cmd {
	if m.actionID == "" || m.loading || m.complete() {
		return nil
	}
	for _, v := range msg.Result.Changed {
		if v.ActionID == m.actionID {
			return m.reload()
		}
	}
	return nil
}

// complete reports whether everything this screen can show has arrived.
func (m *Model) complete() bool {
	switch m.cmd.Type {
	case api.CommandRunScript:
		return m.result != nil
	case api.CommandGetFile:
		return m.cmd.File != nil
	}
	return m.cmd.Type != "" && m.err == nil
}

func (m *Model) setNote(s string, isErr bool) { m.note, m.noteErr = s, isErr }

// handleKey routes a key press by mode.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	switch m.mode {
	case modeSearch, modeSave:
		return m.handleInput(msg)
	}
	if m.result == nil || m.cmd.Type != api.CommandRunScript {
		return nil
	}
	p := &m.pagers[m.stream]
	switch {
	case key.Matches(msg, k.Results.Search):
		return m.startInput(modeSearch, "", "search "+streamName(m.stream))
	case key.Matches(msg, k.Results.NextMatch):
		p.NextMatch()
	case key.Matches(msg, k.Results.PrevMatch):
		p.PrevMatch()
	case key.Matches(msg, k.Results.SwitchStream):
		m.stream = 1 - m.stream
	case key.Matches(msg, k.Results.Save):
		if m.c.OutRoot == "" {
			return m.startInput(modeSave, "", "path of the new file")
		}
		path := defaultSavePath(m.c.OutRoot, m.actionID, m.result.ScriptName, m.index, m.stream)
		return m.startInput(modeSave, path, "path of the new file")
	case key.Matches(msg, k.Results.Copy):
		return m.copy()
	default:
		p.Update(msg, k.Nav)
	}
	return nil
}

func (m *Model) copy() tea.Cmd {
	text := m.streamText(m.stream)
	if len(text) > MaxClipboardBytes {
		m.setNote(fmt.Sprintf("%s is too large for the clipboard (%s); save it with %s instead",
			streamName(m.stream), widgets.Bytes(int64(len(text))), m.c.Keys.Results.Save.Help().Key), true)
		return nil
	}
	m.setNote(fmt.Sprintf("copied %s of %s with OSC 52 (the terminal must allow clipboard writes; in tmux: set -g set-clipboard on)",
		widgets.Bytes(int64(len(text))), streamName(m.stream)), false)
	return copyCmd(text)
}

// streamText is the raw text of a stream.
func (m *Model) streamText(stream int) string {
	if m.result == nil {
		return ""
	}
	if stream == streamStderr {
		return m.result.ScriptErrors
	}
	return m.result.ScriptOutput
}

func (m *Model) startInput(md mode, value, placeholder string) tea.Cmd {
	m.mode = md
	m.input.Placeholder = placeholder
	m.input.SetValue(value)
	m.input.Focus()
	return nil
}

// handleInput drives the search or save prompt.
func (m *Model) handleInput(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Global.Back):
		m.mode = modeView
		m.input.Blur()
		return nil
	case key.Matches(msg, k.Nav.Select):
		value := m.input.Value()
		md := m.mode
		m.mode = modeView
		m.input.Blur()
		if md == modeSave {
			m.setNote("saving…", false)
			return saveCmd(value, m.streamText(m.stream))
		}
		if value == "" {
			m.pagers[m.stream].ClearSearch()
			return nil
		}
		m.searchGen++
		m.searching = true
		return searchCmd(m.pagers[m.stream].Content().Lines, value, m.stream, m.searchGen)
	}
	m.input.Update(msg)
	return nil
}

func streamName(stream int) string {
	if stream == streamStderr {
		return "stderr"
	}
	return "stdout"
}

// ShortHelp implements common.Screen.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.mode != modeView {
		return []key.Binding{k.Nav.Select, k.Global.Back}
	}
	if m.result == nil {
		return []key.Binding{k.Global.Back}
	}
	bs := []key.Binding{k.Results.Search, k.Results.NextMatch, k.Results.SwitchStream, k.Results.Save, k.Results.Copy, k.Global.Back}
	if p := &m.pagers[m.stream]; p.Content().MaxWidth > m.width { // cut lines (marked →): say how to see them
		side := key.NewBinding(key.WithKeys(append(k.Nav.Left.Keys(), k.Nav.Right.Keys()...)...),
			key.WithHelp(k.Nav.Left.Help().Key+"/"+k.Nav.Right.Help().Key, "scroll sideways"))
		bs = append(bs[:1:1], append([]key.Binding{side}, bs[1:]...)...)
	}
	return bs
}

// FullHelp implements common.Screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{
		{k.Results.Search, k.Results.NextMatch, k.Results.PrevMatch, k.Results.SwitchStream},
		{k.Results.Save, k.Results.Copy, k.Global.Back},
		{k.Nav.Up, k.Nav.Down, k.Nav.PageUp, k.Nav.PageDown, k.Nav.Home, k.Nav.End, k.Nav.Left, k.Nav.Right},
	}
}
