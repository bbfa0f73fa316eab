package devices

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"mdlr/api"
	"mdlr/ui/inert"
)

// spinnerFrames are plain ASCII so that any terminal font can show them.
var spinnerFrames = [...]string{"-", "\\", "|", "/"}

const detailHeight = 8

// colID names the table's columns in drawing order.
type colID int

const (
	cName colID = iota
	cOS
	cHealth
	cRisk
	cExposure
	cSeen
	cGroup
	cTags
)

type col struct {
	id    colID
	title string
	width int
}

const (
	markerWidth = 2 // "> " cursor
	busyWidth   = 5 // "busy "
	nameMin     = 24
	nameMax     = 32
	tagsMin     = 12
)

// layout picks the columns that fit width, dropping exposure, group, risk
// and tags (in that order) on narrow terminals.
func layout(width int) []col {
	cols := []col{{cName, "NAME", nameMin}, {cOS, "OS", 17}, {cHealth, "HEALTH", 9}, {cRisk, "RISK", 7},
		{cExposure, "EXPOSURE", 8}, {cSeen, "LAST SEEN", 9}, {cGroup, "GROUP", 14}, {cTags, "TAGS", tagsMin}}
	total := func() int {
		n := markerWidth + busyWidth
		for _, c := range cols {
			n += c.width + 1
		}
		return n
	}
	for _, drop := range []colID{cExposure, cGroup, cRisk, cTags} {
		if total() <= width {
			break
		}
		for i, c := range cols {
			if c.id == drop {
				cols = append(cols[:i], cols[i+1:]...)
				break
			}
		}
	}
	extra := width - total()
	if extra > 0 {
		grow := min(extra, nameMax-nameMin)
		cols[0].width += grow
		extra -= grow
		if last := &cols[len(cols)-1]; last.id == cTags {
			last.width += extra
		} else {
			cols[0].width += extra
		}
	}
	return cols
}

// tableRows is how many device rows fit.
func (m *Model) tableRows() int {
	n := m.height - 2
	if m.details {
		n -= detailHeight
	}
	if m.dialog != "" {
		n--
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
	lines := make([]string, 0, m.height)
	lines = append(lines, m.topLine())
	cols := layout(m.width)
	lines = append(lines, m.headerLine(cols))
	n := m.tableRows()
	if len(m.visible) == 0 {
		lines = append(lines, "", st.Subtle.Render("  no devices match — esc to clear the filter"))
	}
	now := m.c.Now()
	for i := m.offset; i < len(m.visible) && i < m.offset+n; i++ {
		lines = append(lines, m.rowLine(cols, i, now))
	}
	for len(lines) < 2+n {
		lines = append(lines, "")
	}
	if m.dialog != "" {
		lines = append(lines, m.dialogLine())
	}
	if m.details {
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

// rowLine renders visible row i. The selected row is drawn plain in
// reverse video so the selection reads without colour.
func (m *Model) rowLine(cols []col, i int, now time.Time) string {
	st := m.c.Styles
	ri := m.visible[i]
	r := &m.rows[ri]
	sel := i == m.cursor
	style := func(s string, sty lipgloss.Style) string {
		if sel {
			return s
		}
		return sty.Render(s)
	}
	var b strings.Builder
	if sel {
		b.WriteString("> ")
	} else {
		b.WriteString("  ")
	}
	mid := m.machines[ri].ID
	if m.busyAction(mid) != "" {
		b.WriteString(style("busy", st.Badge.Busy) + " ")
	} else {
		b.WriteString("     ")
	}
	for _, c := range cols {
		switch c.id {
		case cName:
			var pos []int
			if m.query != "" && i < len(m.visiblePos) && !sel {
				pos = m.visiblePos[i]
				if pos == nil {
					pos = m.idx.Positions(int(ri), m.query)
				}
			}
			b.WriteString(m.highlight(r.name, pos, c.width))
		case cOS:
			b.WriteString(cell(r.os, c.width))
		case cHealth:
			h := cell(r.health, c.width)
			switch {
			case r.active:
				b.WriteString(h)
			case r.health == "Inactive":
				b.WriteString(style(h, st.Badge.Inactive))
			default:
				b.WriteString(style(h, st.Badge.Offline))
			}
		case cRisk:
			b.WriteString(cell(r.risk, c.width))
		case cExposure:
			b.WriteString(cell(r.exposure, c.width))
		case cSeen:
			b.WriteString(cell(relTime(r.lastSeen, now), c.width))
		case cGroup:
			b.WriteString(cell(r.group, c.width))
		case cTags:
			b.WriteString(cell(r.tags, c.width))
		}
		b.WriteByte(' ')
	}
	line := padRight(ansi.Truncate(b.String(), m.width, ""), m.width)
	if sel {
		return st.Selected.Render(line)
	}
	return line
}

// highlight renders name in w columns with the runes at byte offsets pos
// (positions in the haystack, which starts with the name) emphasised.
func (m *Model) highlight(name string, pos []int, w int) string {
	cut := name
	ell := ""
	if ansi.StringWidth(name) > w {
		cut = ansi.Truncate(name, w-1, "")
		ell = "…"
	}
	if len(pos) == 0 {
		return padRight(cut+ell, w)
	}
	hit := make(map[int]bool, len(pos))
	for _, p := range pos {
		hit[p] = true
	}
	var b strings.Builder
	for i, r := range cut {
		if hit[i] {
			b.WriteString(m.c.Styles.Match.Render(string(r)))
		} else {
			b.WriteRune(r)
		}
	}
	b.WriteString(ell)
	return padRight(b.String(), w)
}

func (m *Model) dialogLine() string {
	name := m.dialog
	for _, i := range m.visible {
		if m.machines[i].ID == m.dialog {
			name = m.rows[i].name
			break
		}
	}
	act := inert.Text(m.busyAction(m.dialog))
	k := m.c.Keys.Confirm
	return m.c.Styles.Warning.Render(shortName(name)+" already runs live response action "+act+
		" — open it? ") + m.c.Styles.Bold.Render(k.Yes.Help().Key+"/"+"N")
}
