package devices

import (
	"cmp"
	"slices"
	"strings"
)

// column identifies a sortable table column.
type column int

const (
	colName column = iota
	colOS
	colHealth
	colRisk
	colExposure
	colLastSeen
	colGroup
	numSortColumns
)

var columnNames = [...]string{"name", "OS", "health", "risk", "exposure", "last seen", "group"}

// healthFacet filters by health status.
type healthFacet int

const (
	healthAll healthFacet = iota
	healthActive
	healthInactive
	healthOther
	numHealthFacets
)

var healthFacetNames = [...]string{"all", "Active", "Inactive", "other"}

var osFacetNames = [...]string{"all", "Windows", "Server", "Linux", "macOS"}

// osFacetFamilies maps the OS facet (0 = all) to the family it keeps.
var osFacetFamilies = [...]osFamily{osOther, osWindows, osServer, osLinux, osMac}

const numOSFacets = len(osFacetNames)

// severity ranks risk and exposure levels for sorting.
func severity(s string) uint8 {
	switch strings.ToLower(s) {
	case "none", "informational":
		return 1
	case "low":
		return 2
	case "medium":
		return 3
	case "high":
		return 4
	case "critical":
		return 5
	}
	return 0
}

// rowCompare orders rows by col (descending when desc); ties keep name
// order so the list is stable.
func rowCompare(rows []row, syms *symbols, col column, desc bool) func(a, b int32) int {
	str := func(a, b sym) int {
		if a == b {
			return 0
		}
		return strings.Compare(syms.str(a), syms.str(b))
	}
	return func(a, b int32) int {
		ra, rb := &rows[a], &rows[b]
		var c int
		switch col {
		case colOS:
			c = str(ra.os, rb.os)
		case colHealth:
			c = str(ra.health, rb.health)
		case colRisk:
			c = cmp.Compare(ra.riskRank, rb.riskRank)
		case colExposure:
			c = cmp.Compare(ra.exposureRank, rb.exposureRank)
		case colLastSeen:
			c = cmp.Compare(ra.lastSeen, rb.lastSeen)
		case colGroup:
			c = str(ra.group, rb.group)
		}
		if desc {
			c = -c
		}
		if c == 0 {
			c = strings.Compare(ra.name(), rb.name())
		}
		if c == 0 {
			c = cmp.Compare(a, b)
		}
		return c
	}
}

// sortOrder returns all row indices sorted by col.
func sortOrder(rows []row, syms *symbols, col column, desc bool) []int32 {
	order := make([]int32, len(rows))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, rowCompare(rows, syms, col, desc))
	return order
}

// mergeOrder adds rows[from:] to an order that already holds rows[:from]
// sorted: the new page is sorted alone and merged in linear time, so a
// streamed page does not re-sort the whole fleet.
func mergeOrder(order []int32, rows []row, syms *symbols, from int, col column, desc bool) []int32 {
	less := rowCompare(rows, syms, col, desc)
	page := make([]int32, 0, len(rows)-from)
	for i := from; i < len(rows); i++ {
		page = append(page, int32(i))
	}
	slices.SortFunc(page, less)
	out := make([]int32, 0, len(order)+len(page))
	i, j := 0, 0
	for i < len(order) && j < len(page) {
		if less(page[j], order[i]) < 0 {
			out = append(out, page[j])
			j++
		} else {
			out = append(out, order[i])
			i++
		}
	}
	out = append(out, order[i:]...)
	return append(out, page[j:]...)
}

// keep reports whether a row passes the facets.
func (m *Model) keep(r *row) bool {
	if m.osFacet != 0 && r.family != osFacetFamilies[m.osFacet] {
		return false
	}
	if m.hideInactive && !r.active {
		return false
	}
	if m.health == healthAll {
		return true
	}
	h := m.syms.str(r.health)
	switch m.health {
	case healthActive:
		return h == "Active"
	case healthInactive:
		return h == "Inactive"
	case healthOther:
		return h != "Active" && h != "Inactive"
	}
	return true
}

// recompute rebuilds the visible list from the sort order or the filter
// matches and the facets. It runs on input changes, never per frame.
func (m *Model) recompute() {
	m.visible = m.visible[:0]
	if m.query != "" {
		for _, mt := range m.matches {
			if m.keep(&m.rows[mt.Row]) {
				m.visible = append(m.visible, int32(mt.Row))
			}
		}
	} else {
		for _, i := range m.order {
			if m.keep(&m.rows[i]) {
				m.visible = append(m.visible, i)
			}
		}
	}
	m.clampCursor()
}

// search reruns the filter for the current query.
func (m *Model) search() {
	m.matches = m.idx.Search(m.query)
	m.recompute()
}

func (m *Model) clampCursor() {
	if m.cursor >= len(m.visible) {
		m.cursor = len(m.visible) - 1
	}
	if m.cursor < 0 {
		m.cursor = 0
	}
	rows := m.tableRows()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if rows > 0 && m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	if m.offset < 0 {
		m.offset = 0
	}
}
