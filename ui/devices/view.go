package devices

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"mdlr/api"
	"mdlr/ui/inert"
	"mdlr/ui/widgets"
)

// spinnerFrames are plain ASCII so that any terminal font can show them.
var spinnerFrames = [...]string{"-", "\\", "|", "/"}

const detailHeight = 8

// tableRows is how many device rows fit.
func (m *Model) tableRows() int {
	n := m.height - 2 - len(m.dialogLines())
	if m.details && !m.sideBySide() {
		n -= detailHeight
	}
	return max(0, n)
}

// View implements common.Screen.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	st := m.c.Styles
	switch {
	case len(m.rows) == 0 && m.loadErr != nil:
		return m.center(st.Error.Render("could not list devices: "+inert.Text(api.Describe(m.loadErr))+".") +
			" " + st.Subtle.Render(m.c.Keys.Devices.Refresh.Help().Key+" to retry"))
	case len(m.rows) == 0 && m.loading:
		return m.center(st.Info.Render(spinnerFrames[m.frame%len(spinnerFrames)]) + " loading devices…")
	case len(m.rows) == 0:
		return m.center(st.Subtle.Render("this tenant has no devices — " + m.c.Keys.Devices.Refresh.Help().Key + " to refresh"))
	}
	tw := m.listWidth()
	cols := layout(tw, !m.sideBySide()) // beside the table, the pane lists every IP
	table := []string{m.headerLine(cols)}
	n := m.tableRows()
	if len(m.visible) == 0 {
		table = append(table, "", st.Subtle.Render("  no devices match — esc to clear the filter"))
	}
	now := m.c.Now()
	for i := m.offset; i < len(m.visible) && i < m.offset+n; i++ {
		table = append(table, m.rowLine(cols, tw, i, now))
	}
	for len(table) < 1+n {
		table = append(table, "")
	}
	if m.sideBySide() {
		side := m.sidePane(now, m.sideWidth(), 1+n)
		for i := range table {
			table[i] = padRight(ansi.Truncate(table[i], tw, ""), tw) + side[i]
		}
	}
	lines := append([]string{m.topLine()}, table...)
	lines = append(lines, m.dialogLines()...)
	if m.details && !m.sideBySide() {
		lines = append(lines, m.detailPane(now)...)
	}
	return m.fit(lines)
}

func (m *Model) center(s string) string {
	return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, s)
}

// fit truncates and pads lines to exactly width x height.
func (m *Model) fit(lines []string) string {
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	for len(lines) < m.height {
		lines = append(lines, "")
	}
	for i, l := range lines {
		lines[i] = padRight(ansi.Truncate(l, m.width, ""), m.width)
	}
	return strings.Join(lines, "\n")
}

func padRight(s string, w int) string {
	if n := w - ansi.StringWidth(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// cell truncates s to w columns (with an ellipsis) and pads it.
func cell(s string, w int) string {
	if ansi.StringWidth(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	return padRight(s, w)
}

func (m *Model) topLine() string {
	st := m.c.Styles
	var left string
	if m.filtering {
		left = m.input.View(m.width / 2)
	} else {
		var parts []string
		if m.query != "" {
			parts = append(parts, "filter: "+st.Match.Render(inert.Text(m.query)))
		}
		if m.osFacet != 0 {
			parts = append(parts, "OS: "+osFacetNames[m.osFacet])
		}
		if m.health != healthAll {
			parts = append(parts, "health: "+healthFacetNames[m.health])
		}
		if m.hideInactive {
			parts = append(parts, "inactive hidden")
		}
		dir := "↑"
		if m.sortDesc {
			dir = "↓"
		}
		parts = append(parts, "sort: "+columnNames[m.sortCol]+" "+dir)
		left = strings.Join(parts, st.Subtle.Render(" · "))
	}
	right := thousands(len(m.visible)) + " of " + thousands(len(m.rows)) + " devices"
	if m.loading {
		right = st.Info.Render(spinnerFrames[m.frame%len(spinnerFrames)]) + " loaded " + thousands(len(m.rows)) + " devices…"
	} else if m.loadErr != nil {
		right = st.Error.Render("list incomplete: "+m.c.Keys.Devices.Refresh.Help().Key+" to retry") + " " + right
	}
	gap := m.width - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 1 {
		return left
	}
	return left + strings.Repeat(" ", gap) + right
}

func (m *Model) headerLine(cols []col) string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", markerWidth+busyWidth))
	for _, c := range cols {
		t := c.title
		if sc, ok := sortColumnOf(c.id); ok && sc == m.sortCol {
			if m.sortDesc {
				t += "↓"
			} else {
				t += "↑"
			}
		}
		b.WriteString(cell(t, c.width))
		b.WriteByte(' ')
	}
	return m.c.Styles.Header.Render(strings.TrimRight(b.String(), " "))
}

func sortColumnOf(id colID) (column, bool) {
	switch id {
	case cName:
		return colName, true
	case cOS:
		return colOS, true
	case cHealth:
		return colHealth, true
	case cRisk:
		return colRisk, true
	case cExposure:
		return colExposure, true
	case cSeen:
		return colLastSeen, true
	case cGroup:
		return colGroup, true
	}
	return 0, false
}

// rowLine renders visible row i. The selected row is drawn in reverse
// video (readable without colour), its matches still highlighted.
func (m *Model) rowLine(cols []col, width, i int, now time.Time) string {
	st := m.c.Styles
	ri := m.visible[i]
	r := &m.rows[ri]
	p := painter{m: m, sel: i == m.cursor}
	if m.query != "" {
		p.pos = m.idx.Positions(int(ri), m.query)
	}
	badge := func(s string, sty lipgloss.Style) string {
		if p.sel {
			return p.plain(s)
		}
		return sty.Render(s)
	}
	var b strings.Builder
	if p.sel {
		b.WriteString(p.plain("> "))
	} else {
		b.WriteString("  ")
	}
	if m.busyAction(m.identity(ri).id) != "" {
		b.WriteString(badge("busy", st.Badge.Busy) + p.plain(" "))
	} else {
		b.WriteString(p.plain("     "))
	}
	shown := []segment{segName}
	for _, c := range cols {
		switch c.id {
		case cIP:
			shown = append(shown, segIP)
		case cTags:
			shown = append(shown, segTags)
		case cGroup:
			shown = append(shown, segGroup)
		}
	}
	used := markerWidth + busyWidth
	for _, c := range cols {
		w := min(c.width, width-used)
		if w <= 0 {
			break
		}
		switch c.id {
		case cName:
			b.WriteString(m.nameCell(p, r, shown, w))
		case cIP:
			b.WriteString(p.cell(r.seg(segIP), r.segStart(segIP), w))
		case cOS:
			b.WriteString(p.cell(m.syms.str(r.os), -1, w))
		case cHealth:
			h := m.syms.str(r.health)
			short := p.cell(healthShort(h), -1, w)
			switch {
			case r.active || p.sel:
				b.WriteString(short)
			case h == "Inactive":
				b.WriteString(st.Badge.Inactive.Render(ansi.Strip(short)))
			default:
				b.WriteString(st.Badge.Offline.Render(ansi.Strip(short)))
			}
		case cRisk:
			b.WriteString(p.cell(m.syms.str(r.risk), -1, w))
		case cExposure:
			b.WriteString(p.cell(m.syms.str(r.exposure), -1, w))
		case cSeen:
			b.WriteString(p.cell(relTime(r.lastSeenTime(), now), -1, w))
		case cGroup:
			b.WriteString(p.cell(r.seg(segGroup), r.segStart(segGroup), w))
		case cTags:
			b.WriteString(p.cell(r.seg(segTags), r.segStart(segTags), w))
		}
		used += w
		if used < width {
			b.WriteString(p.plain(" "))
			used++
		}
	}
	if used < width {
		b.WriteString(p.plain(strings.Repeat(" ", width-used)))
	}
	return b.String()
}

// nameCell renders the name in w columns. When some matched characters
// are in no drawn column, a note saying where they are follows the name,
// which then keeps at least its short form (up to the first dot).
func (m *Model) nameCell(p painter, r *row, shown []segment, w int) string {
	name := r.name()
	if len(p.pos) == 0 {
		return p.cell(name, 0, w)
	}
	nameW := ansi.StringWidth(name)
	keep := min(nameW, max(ansi.StringWidth(shortName(name))+1, w/2))
	note := p.note(r, shown, w-keep-1)
	if note == "" {
		return p.cell(name, 0, w)
	}
	nw := min(nameW, w-1-ansi.StringWidth(note))
	out := p.cell(name, 0, nw) + p.plain(" ") + note
	if n := w - ansi.StringWidth(out); n > 0 {
		out += p.plain(strings.Repeat(" ", n))
	}
	return out
}

// dialogLines ask what to do with a busy device, wrapped to the width
// (nil when no question is open).
func (m *Model) dialogLines() []string {
	if m.dialog == "" || m.width <= 0 {
		return nil
	}
	name := m.dialog
	for _, i := range m.visible {
		if m.identity(i).id == m.dialog {
			name = m.rows[i].name()
			break
		}
	}
	st := m.c.Styles
	k := m.c.Keys
	act := inert.Text(m.busyAction(m.dialog))
	q := shortName(name) + " already runs live response action " + act +
		" — Defender refuses a second one until it ends. Open it?"
	var out []string
	for _, l := range widgets.WrapWords(q, m.width) {
		out = append(out, st.Warning.Render(l))
	}
	return append(out, st.Bold.Render(k.Confirm.Yes.Help().Key)+" open it · "+
		st.Bold.Render(k.Nav.Select.Help().Key)+" compose anyway · "+st.Bold.Render(k.Confirm.No.Help().Key)+" cancel (default)")
}

// remote renders inert text from the API with its escapes styled.
func (m *Model) remote(s string) string { return widgets.StyleEscapes(s, m.c.Styles.Escaped) }
