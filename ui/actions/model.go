// Package actions is the Actions screen: every action this console tracks
// (from the journal, reattached on start) and the tenant's recent live
// response actions, with open and cancel.
package actions

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/common"
	"mdlr/ui/inert"
	"mdlr/ui/widgets"
)

// mode says what the keyboard drives.
type mode int

const (
	modeList    mode = iota
	modeComment      // typing the cancellation comment
	modeConfirm      // y/N before cancelling
)

// chromeLines are the title, table header and status line around the rows.
const chromeLines = 3

// Model is the Actions screen.
type Model struct {
	c             *common.Common
	width, height int

	tracked   []state.ActionView
	recent    []state.ActionView
	recentErr error
	loading   bool
	recentGen int
	mineOnly  bool
	rows      []row
	cursor    int
	offset    int

	mode         mode
	comment      widgets.Field
	commentErr   string
	confirm      widgets.Confirm
	target       string // action id being cancelled
	targetDevice string
	note         string
	noteErr      bool
}

// New builds the Actions screen; it shows "mine" first.
func New(c *common.Common) *Model {
	m := &Model{c: c, mineOnly: true}
	m.comment.Placeholder = "why cancel (required, recorded with the action)"
	return m
}

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return nil }

// Title implements common.Screen.
func (m *Model) Title() string { return "Actions" }

// Capturing implements common.Screen.
func (m *Model) Capturing() bool { return m.mode != modeList }

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.comment.SetWidth(max(10, w-22))
	m.scroll()
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.NavigateMsg:
		if msg.To == common.ActionsScreen {
			return m.refresh()
		}
	case trackedMsg:
		m.tracked = msg.views
		m.rebuild()
	case recentMsg:
		if msg.gen == m.recentGen {
			m.loading = false
			m.recentErr = msg.err
			if msg.err == nil {
				m.recent = msg.views
			}
			m.rebuild()
		}
	case openMsg:
		if msg.err != nil {
			m.setNote("could not open: "+inert.Text(msg.err.Error()), true)
			return nil
		}
		return tea.Batch(loadTrackedCmd(m.c.Engine),
			common.Navigate(common.NavigateMsg{To: common.ProgressScreen, ActionID: msg.view.ActionID}))
	case common.CancelledMsg:
		if msg.Err != nil {
			m.setNote("cancel failed: "+inert.Text(msg.Err.Error()), true)
			return nil
		}
		m.setNote("cancellation requested for "+inert.Text(widgets.Short(msg.View.ActionID, 8)), false)
		for i, v := range m.recent {
			if v.ActionID == msg.View.ActionID && msg.View.Status != "" {
				m.recent[i] = msg.View
			}
		}
		m.rebuild()
		return loadTrackedCmd(m.c.Engine)
	case common.PolledMsg, common.SubmittedMsg:
		return loadTrackedCmd(m.c.Engine)
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.PasteMsg:
		if m.mode == modeComment {
			m.comment.Update(msg)
		}
	}
	return nil
}

// refresh reloads the tracked actions and the tenant's recent ones.
func (m *Model) refresh() tea.Cmd {
	m.recentGen++
	m.loading = true
	return tea.Batch(loadTrackedCmd(m.c.Engine), loadRecentCmd(m.c.Ctx, m.c.API, m.c.Now, m.recentGen))
}

// rebuild recomputes the rows, keeping the cursor on the same action.
func (m *Model) rebuild() {
	var keep string
	if r, ok := m.selected(); ok {
		keep = r.view.ActionID + "|" + r.view.IntentID
	}
	m.rows = mergeRows(m.tracked, m.recent, m.mineOnly)
	m.cursor = min(m.cursor, max(0, len(m.rows)-1))
	for i, r := range m.rows {
		if keep != "" && r.view.ActionID+"|"+r.view.IntentID == keep {
			m.cursor = i
			break
		}
	}
	m.scroll()
}

func (m *Model) selected() (row, bool) {
	if m.cursor < 0 || m.cursor >= len(m.rows) {
		return row{}, false
	}
	return m.rows[m.cursor], true
}

func (m *Model) visibleRows() int { return max(1, m.height-chromeLines) }

// scroll keeps the cursor inside the visible window.
func (m *Model) scroll() {
	vis := m.visibleRows()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+vis {
		m.offset = m.cursor - vis + 1
	}
	m.offset = max(0, min(m.offset, len(m.rows)-vis))
}

func (m *Model) setNote(s string, isErr bool) { m.note, m.noteErr = s, isErr }

// handleKey routes a key press by mode.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	switch m.mode {
	case modeComment:
		return m.handleComment(msg)
	case modeConfirm:
		switch m.confirm.Update(msg, k.Confirm) {
		case widgets.Yes:
			m.mode = modeList
			m.setNote("cancelling "+widgets.Short(m.target, 8)+"…", false)
			return cancelCmd(m.c.Ctx, m.c.Engine, m.target, m.comment.Value())
		case widgets.No:
			m.mode = modeList
			m.setNote("not cancelled", false)
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Nav.Up):
		m.cursor--
	case key.Matches(msg, k.Nav.Down):
		m.cursor++
	case key.Matches(msg, k.Nav.PageUp):
		m.cursor -= m.visibleRows()
	case key.Matches(msg, k.Nav.PageDown):
		m.cursor += m.visibleRows()
	case key.Matches(msg, k.Nav.Home):
		m.cursor = 0
	case key.Matches(msg, k.Nav.End):
		m.cursor = len(m.rows) - 1
	case key.Matches(msg, k.Actions.Open):
		return m.open()
	case key.Matches(msg, k.Actions.Cancel):
		return m.startCancel()
	case key.Matches(msg, k.Actions.MineAll):
		m.mineOnly = !m.mineOnly
		m.rebuild()
	case key.Matches(msg, k.Actions.Refresh):
		return m.refresh()
	default:
		return nil
	}
	m.cursor = max(0, min(m.cursor, len(m.rows)-1))
	m.scroll()
	return nil
}

// open shows the Progress screen; API-only actions are tracked first.
func (m *Model) open() tea.Cmd {
	r, ok := m.selected()
	if !ok || r.view.ActionID == "" {
		return nil
	}
	if r.tracked {
		return common.Navigate(common.NavigateMsg{To: common.ProgressScreen, ActionID: r.view.ActionID})
	}
	m.setNote("tracking "+widgets.Short(r.view.ActionID, 8)+"…", false)
	return trackCmd(m.c.Ctx, m.c.Engine, r.view.ActionID)
}

func (m *Model) startCancel() tea.Cmd {
	r, ok := m.selected()
	switch {
	case !ok:
		return nil
	case m.c.ReadOnly:
		m.setNote("read-only mode: cancelling is disabled", true)
		return nil
	case !running(r.view):
		m.setNote(fmt.Sprintf("action is %s; only pending or running actions can be cancelled", inert.Text(r.view.Status)), true)
		return nil
	}
	m.target = r.view.ActionID
	m.targetDevice = r.view.DeviceName
	m.mode = modeComment
	m.comment.SetValue("")
	m.comment.Focus()
	m.commentErr = ""
	return nil
}

func (m *Model) handleComment(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Global.Back):
		m.mode = modeList
		m.comment.Blur()
		m.setNote("not cancelled", false)
	case key.Matches(msg, k.Nav.Select):
		if strings.TrimSpace(m.comment.Value()) == "" {
			m.commentErr = "a comment is required"
			return nil
		}
		m.comment.Blur()
		m.mode = modeConfirm
		m.confirm.Open(fmt.Sprintf("Cancel action %s on %s? Commands not yet run will not run.",
			inert.Text(widgets.Short(m.target, 8)), inert.Text(m.targetDevice)))
	default:
		if m.comment.Update(msg) {
			m.commentErr = ""
		}
	}
	return nil
}

// ShortHelp implements common.Screen.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch m.mode {
	case modeComment:
		return []key.Binding{k.Nav.Select, k.Global.Back}
	case modeConfirm:
		return []key.Binding{k.Confirm.Yes, k.Confirm.No}
	}
	bs := []key.Binding{k.Actions.Open}
	if r, ok := m.selected(); ok && !m.c.ReadOnly && r.view.ActionID != "" && !api.IsTerminalStatus(r.view.Status) {
		bs = append(bs, k.Actions.Cancel) // only for an action that can still be cancelled
	}
	return append(bs, k.Actions.MineAll, k.Actions.Refresh)
}

// FullHelp implements common.Screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{
		{k.Actions.Open, k.Actions.Cancel, k.Actions.MineAll, k.Actions.Refresh},
		{k.Nav.Up, k.Nav.Down, k.Nav.PageUp, k.Nav.PageDown, k.Nav.Home, k.Nav.End},
	}
}
