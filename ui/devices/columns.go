package devices

import "slices"

// colID names the table's columns in drawing order.
type colID int

const (
	cName colID = iota
	cIP
	cOS
	cHealth
	cRisk
	cExposure
	cSeen
	cGroup
	cTags
)

// col is one table column and its width.
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
	tagsMin     = 10
)

// Side-by-side detail pane: used from sideBySideMin columns, between
// sideMin and sideMax wide, leaving the table the room for every column.
const (
	sideBySideMin = 160
	sideMin       = 42 // a 40-character device id fits on one line
	sideMax       = 64
)

// allColumns are the table's columns at their minimum widths.
func allColumns() []col {
	return []col{{cName, "NAME", nameMin}, {cIP, "IP", 15}, {cOS, "OS", 17}, {cHealth, "HEALTH", 11},
		{cRisk, "RISK", 7}, {cExposure, "EXPOSURE", 8}, {cSeen, "LAST SEEN", 9}, {cGroup, "GROUP", 14}, {cTags, "TAGS", tagsMin}}
}

// tableWidth is the width the columns take (with the marker and busy badge).
func tableWidth(cols []col) int {
	n := markerWidth + busyWidth
	for _, c := range cols {
		n += c.width + 1
	}
	return n
}

// layout picks the columns that fit width (IP only if withIP), dropping
// IP, exposure, group, risk and tags (in that order) on narrow terminals,
// then grows the name, group, tags, risk and health columns towards their
// full width; the rest goes to the tags (or the name when tags were dropped).
func layout(width int, withIP bool) []col {
	cols := allColumns()
	if !withIP {
		cols = slices.DeleteFunc(cols, func(c col) bool { return c.id == cIP })
	}
	for _, drop := range []colID{cIP, cExposure, cGroup, cRisk, cTags} {
		if tableWidth(cols) <= width {
			break
		}
		cols = slices.DeleteFunc(cols, func(c col) bool { return c.id == drop })
	}
	extra := width - tableWidth(cols)
	for _, g := range []struct {
		id   colID
		want int
	}{{cName, nameMax}, {cGroup, 24}, {cTags, 24}, {cRisk, 13}, {cHealth, 11}} {
		for i := range cols {
			if cols[i].id == g.id && extra > 0 {
				grow := max(0, min(extra, g.want-cols[i].width))
				cols[i].width += grow
				extra -= grow
			}
		}
	}
	if extra > 0 {
		if last := &cols[len(cols)-1]; last.id == cTags {
			last.width += extra
		} else {
			cols[0].width += extra
		}
	}
	return cols
}

// sideBySide reports whether the detail pane is drawn beside the table.
func (m *Model) sideBySide() bool { return m.details && m.width >= sideBySideMin }

// sideWidth is the width of the side-by-side detail pane: what is left
// once the table has every column but IP and full-width names.
func (m *Model) sideWidth() int {
	full := tableWidth(slices.DeleteFunc(allColumns(), func(c col) bool { return c.id == cIP })) + nameMax - nameMin
	return max(sideMin, min(sideMax, m.width-full))
}

// listWidth is the width of the table.
func (m *Model) listWidth() int {
	if m.sideBySide() {
		return m.width - m.sideWidth()
	}
	return m.width
}
