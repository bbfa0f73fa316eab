package actions

import (
	"fmt"
	"mdlr/ui/common"
	"strings"

	"charm.land/lipgloss/v2"

	"mdlr/api"
	"mdlr/ui/inert"
	"mdlr/ui/widgets"
)

// column is one table column: a header and a width.
type column struct {
	title string
	width int
}

// columns sizes the table for the screen width: fixed columns first, the
// rest shared by device, requestor and comment.
func columns(width int) []column {
	const gaps = 6 + 2 // between columns, and the cursor marker
	cols := []column{{"STATUS", 11}, {"DEVICE", 0}, {"ACTION", 8}, {"REQUESTOR", 0}, {"CREATED", 8}, {"COMMANDS", 0}, {"COMMENT", 0}}
	fixed := gaps
	for _, c := range cols {
		fixed += c.width
	}
	flex := max(12, width-fixed)
	dev := flex * 3 / 10
	req := flex * 2 / 10
	cmds := min(38, flex*3/10)
	cols[1].width, cols[3].width, cols[5].width = dev, req, cmds
	cols[6].width = max(0, flex-dev-req-cmds)
	return cols
}

// View implements common.Screen.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	st := m.c.Styles
	cols := columns(m.width)
	lines := []string{m.titleLine()}
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = widgets.Line(c.title, c.width)
	}
	lines = append(lines, "  "+st.Header.Render(strings.Join(head, " ")))
	switch {
	case len(m.rows) == 0 && m.loading:
		lines = append(lines, st.Subtle.Render("loading actions…"))
	case len(m.rows) == 0:
		lines = append(lines, st.Subtle.Render(m.emptyText()))
	}
	end := min(len(m.rows), m.offset+m.visibleRows())
	for i := m.offset; i < end; i++ {
		lines = append(lines, m.rowLine(m.rows[i], cols, i == m.cursor))
	}
	body := widgets.Fit(lines, m.width, m.height-1)
	return body + "\n" + widgets.Line(m.statusLine(), m.width)
}

func (m *Model) titleLine() string {
	st := m.c.Styles
	scope := "mine"
	if !m.mineOnly {
		scope = "all"
	}
	s := st.Title.Render("Actions") + st.Subtle.Render(fmt.Sprintf(" — %s, %s (%s toggles mine/all)",
		scope, widgets.Count(len(m.rows), "action"), m.c.Keys.Actions.MineAll.Help().Key))
	if m.loading {
		s += st.Subtle.Render("  refreshing…")
	}
	return s
}

func (m *Model) emptyText() string {
	if m.mineOnly {
		return "No actions from this console yet. Press " + m.c.Keys.Actions.MineAll.Help().Key + " to see the tenant's recent live response actions."
	}
	return "No live response actions found."
}

// rowLine renders one action; every field from the API is made inert.
func (m *Model) rowLine(r row, cols []column, selected bool) string {
	st := m.c.Styles
	v := r.view
	dev := v.DeviceName
	if dev == "" {
		dev = v.DeviceID
	}
	id := widgets.Short(v.ActionID, 8)
	if id == "" {
		id = "-"
	}
	cells := []string{
		v.Status,
		dev,
		id,
		v.Requestor,
		widgets.Ago(v.Created, m.c.Now()),
		summary(v.Commands),
		v.Comment,
	}
	for i, c := range cols {
		cells[i] = widgets.Line(inert.Text(cells[i]), c.width)
	}
	if !r.tracked {
		cells[2] = st.Subtle.Render(cells[2])
	}
	if selected {
		return st.Selected.Render("> " + strings.Join(cells, " "))
	}
	cells[0] = m.statusStyle(v.Status).Render(cells[0])
	return "  " + strings.Join(cells, " ")
}

func (m *Model) statusStyle(s string) lipgloss.Style {
	ss := m.c.Styles.Status
	switch s {
	case api.StatusPending:
		return ss.Queued
	case api.StatusInProgress:
		return ss.Running
	case api.StatusSucceeded:
		return ss.Completed
	case api.StatusFailed, api.StatusTimeOut:
		return ss.Failed
	case api.StatusCancelled:
		return ss.Cancelled
	}
	return ss.Waiting
}

// statusLine is the prompt, the confirmation, a note, or the selected
// action's explanation.
func (m *Model) statusLine() string {
	st := m.c.Styles
	switch m.mode {
	case modeComment:
		s := st.Label.Render("cancel comment: ") + m.comment.View(st.Input, st.Subtle, st.Selected)
		if m.commentErr != "" {
			s += " " + st.Error.Render(m.commentErr)
		}
		return s
	case modeConfirm:
		return st.Warning.Render(m.confirm.Prompt())
	}
	if m.note != "" {
		if m.noteErr {
			return st.Error.Render(m.note)
		}
		return st.Info.Render(m.note)
	}
	if m.recentErr != nil {
		return st.Error.Render("could not list the tenant's actions: " + inert.Text(m.recentErr.Error()) + " (r to retry)")
	}
	if r, ok := m.selected(); ok {
		s := r.view.Explain
		if !r.tracked {
			s = strings.TrimSpace("not tracked here yet; enter tracks and opens it. " + s)
		}
		return st.Subtle.Render(inert.Text(s))
	}
	return ""
}

var _ common.Screen = (*Model)(nil)
