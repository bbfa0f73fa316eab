// Package progress watches one live response action: its status, each
// command's state, the next poll and the request budget, with cancel and
// the way to each command's result.
package progress

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/chrome"
	"mdlr/ui/common"
)

// Tick intervals: the spinner runs at 4 frames/s while a command runs;
// otherwise the countdown needs one redraw per second.
const (
	spinInterval      = 250 * time.Millisecond
	countdownInterval = time.Second
)

// cancelPhase is where the cancel dialogue stands.
type cancelPhase int

const (
	cancelNone cancelPhase = iota
	cancelComment
	cancelConfirm
	cancelSending
)

// trackedMsg reports the outcome of starting to track an action this
// console did not submit.
type trackedMsg struct {
	id   string
	view state.ActionView
	err  error
}

// tickMsg advances the spinner and countdown.
type tickMsg struct{ seq int }

// Model is the progress screen.
type Model struct {
	c             *common.Common
	width, height int

	id      string
	view    state.ActionView
	haveIt  bool
	loadErr error

	nextPoll time.Time
	budget   *api.Budget

	frame   int
	frozen  bool
	ticking bool
	tickSeq int

	cursor    int
	phase     cancelPhase
	comment   chrome.LineInput
	cancelErr error
}

// New returns the progress screen.
func New(c *common.Common) *Model {
	return &Model{c: c, comment: chrome.LineInput{Prompt: "comment: ", MaxRunes: 300}}
}

// FreezeSpinner stops the spinner and countdown from ticking, for reproducible frames.
func (m *Model) FreezeSpinner() { m.frozen = true }

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Title implements common.Screen.
func (m *Model) Title() string { return "Progress" }

// Device is the device name of the action shown, for the window title.
func (m *Model) Device() string { return m.view.DeviceName }

// Capturing implements common.Screen: true while the cancel dialogue is open.
func (m *Model) Capturing() bool { return m.phase == cancelComment || m.phase == cancelConfirm }

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.NavigateMsg:
		if msg.To == common.ProgressScreen && msg.ActionID != "" {
			return m.show(msg.ActionID)
		}
	case trackedMsg:
		if msg.id != m.id {
			return nil
		}
		if msg.err != nil {
			m.loadErr = msg.err
			return nil
		}
		m.setView(msg.view)
		// Ask the root to (re)start its poll loop now that the engine tracks it.
		return tea.Batch(func() tea.Msg { return common.PollMsg{} }, m.startTicking())
	case common.SubmittedMsg:
		if msg.Err == nil && msg.View.ActionID != "" && msg.View.ActionID == m.id {
			m.setView(msg.View)
		}
	case common.PolledMsg:
		if msg.Result.Next > 0 {
			m.nextPoll = m.c.Now().Add(msg.Result.Next)
		}
		b := msg.Result.Budget
		m.budget = &b
		for _, v := range msg.Result.Changed {
			if v.ActionID == m.id && m.id != "" {
				m.setView(v)
			}
		}
		return m.startTicking()
	case common.CancelledMsg:
		if m.phase == cancelSending && (msg.View.ActionID == m.id || msg.View.ActionID == "") {
			m.phase, m.cancelErr = cancelNone, msg.Err
			if msg.Err == nil {
				m.setView(msg.View)
			}
		}
	case tickMsg:
		if msg.seq != m.tickSeq {
			return nil
		}
		m.ticking = false
		m.frame++
		return m.startTicking()
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.PasteMsg:
		if m.phase == cancelComment {
			m.comment.Update(msg)
		}
	}
	return nil
}

func (m *Model) show(id string) tea.Cmd {
	if id != m.id {
		m.id, m.view, m.haveIt, m.loadErr = id, state.ActionView{}, false, nil
		m.cursor, m.phase, m.cancelErr = 0, cancelNone, nil
	}
	if m.c.Engine != nil {
		if v, ok := m.c.Engine.Action(id); ok {
			m.setView(v)
			return m.startTicking()
		}
	}
	if m.c.Engine == nil {
		return nil
	}
	eng, ctx := m.c.Engine, m.c.Ctx
	return func() tea.Msg {
		v, err := eng.Track(ctx, id)
		return trackedMsg{id: id, view: v, err: err}
	}
}

func (m *Model) setView(v state.ActionView) {
	m.view, m.haveIt, m.loadErr = v, true, nil
	if m.cursor >= len(v.Commands) {
		m.cursor = max(0, len(v.Commands)-1)
	}
}

// running reports whether any command of the shown action runs now.
func (m *Model) running() bool {
	for _, c := range m.view.Commands {
		if c.State == state.CmdRunning {
			return true
		}
	}
	return false
}

// startTicking arms one tick unless one is pending or nothing changes on
// screen by itself: the spinner while a command runs, the countdown while
// the action is not done.
func (m *Model) startTicking() tea.Cmd {
	if m.frozen || m.ticking || !m.haveIt || m.view.Done {
		return nil
	}
	d := countdownInterval
	if m.running() {
		d = spinInterval
	}
	m.ticking = true
	m.tickSeq++
	seq := m.tickSeq
	return tea.Tick(d, func(time.Time) tea.Msg { return tickMsg{seq: seq} })
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.phase != cancelNone {
		return m.onCancelKey(msg)
	}
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Nav.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, k.Nav.Down):
		m.cursor = max(0, min(len(m.view.Commands)-1, m.cursor+1))
	case key.Matches(msg, k.Progress.OpenResult):
		return m.openResult()
	case key.Matches(msg, k.Progress.Cancel):
		return m.beginCancel()
	}
	return nil
}

func (m *Model) openResult() tea.Cmd {
	if m.cursor < 0 || m.cursor >= len(m.view.Commands) {
		return nil
	}
	c := m.view.Commands[m.cursor]
	if c.State != state.CmdCompleted || (c.Type != api.CommandRunScript && c.Type != api.CommandGetFile) {
		return nil
	}
	return common.Navigate(common.NavigateMsg{To: common.ResultsScreen, ActionID: m.view.ActionID, CommandIndex: c.Index})
}

// cancelCmd asks the engine to cancel; it copies its inputs.
func cancelCmd(ctx context.Context, eng common.Engine, id, comment string) tea.Cmd {
	return func() tea.Msg {
		v, err := eng.Cancel(ctx, id, comment)
		if v.ActionID == "" {
			v.ActionID = id
		}
		return common.CancelledMsg{View: v, Err: err}
	}
}

// ShortHelp implements common.Screen.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch m.phase {
	case cancelComment:
		return []key.Binding{k.Nav.Select, k.Global.Back}
	case cancelConfirm:
		return []key.Binding{k.Confirm.Yes, k.Confirm.No}
	}
	bs := []key.Binding{k.Nav.Up, k.Nav.Down, k.Progress.OpenResult}
	if m.haveIt && !api.IsTerminalStatus(m.view.Status) && !m.c.ReadOnly {
		bs = append(bs, k.Progress.Cancel) // only while there is something to cancel
	}
	return append(bs, k.Global.Back)
}

// FullHelp implements common.Screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Nav.Up, k.Nav.Down, k.Progress.OpenResult}, {k.Progress.Cancel, k.Confirm.Yes, k.Confirm.No}}
}
