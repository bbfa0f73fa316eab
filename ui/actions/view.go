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

// Column titles, also the keys of a row's cells.
const (
	colStatus    = "STATUS"
	colDevice    = "DEVICE"
	colAction    = "ACTION"
	colRequestor = "REQUESTOR"
	colCreated   = "CREATED"
	colCommands  = "COMMANDS"
	colComment   = "COMMENT"
)

// requestorMinWidth is the narrowest window that shows the requestor
// (only when listing everyone's actions: in "mine" it is always this console).
const requestorMinWidth = 96

// columns sizes the table for the screen width: fixed columns first, then
// the device, commands and comment at their minimum, then the room left
// grows the device name, the commands summary and the requestor (when
// withRequestor) to their full width; the comment takes the rest.
func columns(width int, withRequestor bool) []column {
	cols := []column{{colStatus, 11}, {colDevice, 16}, {colAction, 8}, {colRequestor, 12}, {colCreated, 8},
		{colCommands, 14}, {colComment, 10}}
	if !withRequestor {
		cols = append(cols[:3], cols[4:]...)
	}
	used := 2 + len(cols) - 1 // cursor marker and gaps
	for _, c := range cols {
		used += c.width
	}
	extra := max(0, width-used)
	for _, g := range []struct {
		title string
		want  int
	}{{colDevice, 32}, {colCommands, 26}, {colRequestor, 36}, {colComment, 1 << 20}} {
		for i := range cols {
			if cols[i].title == g.title && extra > 0 {
				grow := min(extra, g.want-cols[i].width)
				cols[i].width += grow
				extra -= grow
			}
		}
	}
	return cols
}

// View implements common.Screen.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	st := m.c.Styles
	cols := columns(m.width, m.showRequestor())
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

// showRequestor reports whether the table has a REQUESTOR column.
func (m *Model) showRequestor() bool { return !m.mineOnly && m.width >= requestorMinWidth }

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
	requestor := v.Requestor
	if widgets.LooksLikeGUID(requestor) {
		requestor = "app " + requestor[:8]
	}
	values := map[string]string{
		colStatus: v.Status, colDevice: dev, colAction: id, colRequestor: requestor,
		colCreated: widgets.Ago(v.Created, m.c.Now()), colCommands: summary(v.Commands), colComment: v.Comment,
	}
	cells := make([]string, len(cols))
	for i, c := range cols {
		cells[i] = widgets.Line(inert.Text(values[c.title]), c.width)
	}
	if selected {
		return widgets.StyleRuns("> "+strings.Join(cells, " "), st.Selected, st.EscapedSelected, true)
	}
	for i, c := range cols {
		switch {
		case i == 0:
			cells[i] = m.statusStyle(v.Status).Render(cells[i])
		case c.title == colAction && !r.tracked:
			cells[i] = st.Subtle.Render(cells[i])
		default:
			cells[i] = widgets.StyleEscapes(cells[i], st.Escaped)
		}
	}
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
		if !m.mineOnly && !m.showRequestor() && r.view.Requestor != "" { // no REQUESTOR column
			s = strings.TrimSpace("requested by " + r.view.Requestor + ". " + s)
		}
		return st.Subtle.Render(inert.Text(s))
	}
	return ""
}

var _ common.Screen = (*Model)(nil)
