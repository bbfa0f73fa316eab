// Package audit is the console's audit log viewer: the hash-chained log of
// every change made to the tenant (submit, cancel, library upload and
// delete), its verification verdict, and one entry's details.
package audit

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"mdlr/state"
	"mdlr/ui/common"
)

// Model is the audit log screen.
type Model struct {
	c    *common.Common
	dir  string
	w, h int

	gen     int
	loading bool
	entries []state.AuditEntry // newest first
	readErr string
	report  *state.AuditReport
	verErr  string

	cursor, offset int
	detail         bool
	scroll         int // first line of the detail view
}

// New returns the audit screen for the log in state directory dir ("":
// this session keeps no audit log).
func New(c *common.Common, dir string) *Model { return &Model{c: c, dir: dir} }

// Init loads the log.
func (m *Model) Init() tea.Cmd { return m.reload() }

func (m *Model) reload() tea.Cmd {
	if m.dir == "" {
		return nil
	}
	m.gen++
	m.loading = true
	return loadCmd(m.dir, m.gen)
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.NavigateMsg:
		if msg.To == common.AuditScreen {
			m.detail = false
			return m.reload()
		}
	case loadedMsg:
		if msg.gen == m.gen {
			m.onLoaded(msg)
		}
	case tea.KeyPressMsg:
		if m.detail {
			m.detailKey(msg)
			return nil
		}
		return m.listKey(msg)
	}
	return nil
}

func (m *Model) onLoaded(msg loadedMsg) {
	m.loading = false
	m.entries = make([]state.AuditEntry, len(msg.entries))
	for i, e := range msg.entries {
		m.entries[len(msg.entries)-1-i] = e
	}
	m.readErr, m.verErr = "", ""
	if msg.readErr != nil {
		m.readErr = msg.readErr.Error()
	}
	m.report = &msg.report
	if msg.verErr != nil {
		m.report, m.verErr = nil, msg.verErr.Error()
	}
	m.cursor = min(m.cursor, max(0, len(m.entries)-1))
	m.clamp()
}

func (m *Model) listKey(msg tea.KeyPressMsg) tea.Cmd {
	k, n := m.c.Keys, len(m.entries)
	switch {
	case key.Matches(msg, k.Audit.Refresh):
		return m.reload()
	case key.Matches(msg, k.Audit.Open):
		if n > 0 {
			m.detail, m.scroll = true, 0
		}
	case key.Matches(msg, k.Nav.Up):
		m.cursor--
	case key.Matches(msg, k.Nav.Down):
		m.cursor++
	case key.Matches(msg, k.Nav.PageUp):
		m.cursor -= m.listRows()
	case key.Matches(msg, k.Nav.PageDown):
		m.cursor += m.listRows()
	case key.Matches(msg, k.Nav.Home):
		m.cursor = 0
	case key.Matches(msg, k.Nav.End):
		m.cursor = n - 1
	}
	m.cursor = max(0, min(m.cursor, n-1))
	m.clamp()
	return nil
}

func (m *Model) detailKey(msg tea.KeyPressMsg) {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Global.Back, k.Audit.Open, k.Global.Quit):
		m.detail = false
	case key.Matches(msg, k.Nav.Up):
		m.scroll--
	case key.Matches(msg, k.Nav.Down):
		m.scroll++
	case key.Matches(msg, k.Nav.PageUp):
		m.scroll -= m.h - 2
	case key.Matches(msg, k.Nav.PageDown):
		m.scroll += m.h - 2
	case key.Matches(msg, k.Nav.Home):
		m.scroll = 0
	case key.Matches(msg, k.Nav.End):
		m.scroll = len(m.detailLines())
	}
	m.scroll = max(0, min(m.scroll, len(m.detailLines())-(m.h-1)))
}

// listRows is the number of entry rows that fit (verdict, blank, header).
func (m *Model) listRows() int { return max(1, m.h-3) }

func (m *Model) clamp() {
	rows := m.listRows()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	m.offset = max(0, m.offset)
}

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h; m.clamp() }

// Title implements common.Screen.
func (m *Model) Title() string { return "Audit log" }

// Capturing implements common.Screen: the details view takes esc and q
// to close itself.
func (m *Model) Capturing() bool { return m.detail }

// ShortHelp implements common.Screen.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.detail {
		return []key.Binding{k.Nav.Up, k.Nav.Down, closeBinding(k.Global.Back)}
	}
	return []key.Binding{k.Nav.Up, k.Nav.Down, k.Audit.Open, k.Audit.Refresh, k.Global.Back}
}

// FullHelp implements common.Screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Nav.Up, k.Nav.Down, k.Nav.PageUp, k.Nav.PageDown, k.Nav.Home, k.Nav.End},
		{k.Audit.Open, k.Audit.Refresh}}
}

// closeBinding relabels back as closing the details.
func closeBinding(b key.Binding) key.Binding {
	b.SetHelp(b.Help().Key, "close details")
	return b
}
