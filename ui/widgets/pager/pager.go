package pager

import (
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"mdlr/keymap"
	"mdlr/ui/widgets"
)

// hStep is how many columns one horizontal scroll moves.
const hStep = 8

// Model is the viewer's state: content, size, scroll offsets and the
// current search. Its zero value is an empty viewer.
type Model struct {
	content       Content
	width, height int
	y, x          int
	search        SearchResult
	current       int // index into search.Matches, -1 when none
	// Match and Current style the matches and the current match.
	Match, Current lipgloss.Style
	// Marker styles the "←"/"→" shown where a line continues beyond the
	// left or right edge; Escaped styles inert escapes ("^[", "<U+…>").
	Marker, Escaped lipgloss.Style
}

// New returns an empty viewer that highlights with the given styles.
func New(match, current lipgloss.Style) Model {
	return Model{Match: match, Current: current, current: -1}
}

// SetContent replaces the text (prepared with Prepare) and clears the search.
func (m *Model) SetContent(c Content) {
	m.content = c
	m.y, m.x = 0, 0
	m.ClearSearch()
}

// Content returns the prepared text.
func (m *Model) Content() Content { return m.content }

// SetSize sets the viewer's size in cells.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = max(0, w), max(0, h)
	m.clamp()
}

// YOffset is the first visible line; XOffset the first visible column.
func (m *Model) YOffset() int { return m.y }

// XOffset is the first visible column.
func (m *Model) XOffset() int { return m.x }

// LineCount is the number of display lines.
func (m *Model) LineCount() int { return len(m.content.Lines) }

// ScrollTo makes line the first visible line (clamped).
func (m *Model) ScrollTo(line int) {
	m.y = line
	m.clamp()
}

func (m *Model) clamp() {
	m.y = min(m.y, len(m.content.Lines)-m.height)
	m.y = max(m.y, 0)
	m.x = min(m.x, m.content.MaxWidth-m.width)
	m.x = max(m.x, 0)
}

// Update scrolls on navigation keys and reports whether it used the key.
func (m *Model) Update(msg tea.KeyPressMsg, k keymap.Nav) bool {
	switch {
	case key.Matches(msg, k.Up):
		m.y--
	case key.Matches(msg, k.Down):
		m.y++
	case key.Matches(msg, k.PageUp):
		m.y -= max(1, m.height-1)
	case key.Matches(msg, k.PageDown):
		m.y += max(1, m.height-1)
	case key.Matches(msg, k.Home):
		m.y = 0
	case key.Matches(msg, k.End):
		m.y = len(m.content.Lines)
	case key.Matches(msg, k.Left):
		m.x -= hStep
	case key.Matches(msg, k.Right):
		m.x += hStep
	default:
		return false
	}
	m.clamp()
	return true
}

// SetSearch installs a search result and jumps to the first match at or
// after the top visible line.
func (m *Model) SetSearch(r SearchResult) {
	m.search = r
	m.current = -1
	if len(r.Matches) == 0 {
		return
	}
	i := sort.Search(len(r.Matches), func(i int) bool { return r.Matches[i].Line >= m.y })
	if i == len(r.Matches) {
		i = 0
	}
	m.current = i
	m.reveal()
}

// ClearSearch removes the search highlights.
func (m *Model) ClearSearch() {
	m.search = SearchResult{}
	m.current = -1
}

// Search returns the installed search and the current match index (-1: none).
func (m *Model) Search() (SearchResult, int) { return m.search, m.current }

// NextMatch moves to the next match (wrapping); PrevMatch to the previous.
func (m *Model) NextMatch() { m.step(1) }

// PrevMatch moves to the previous match, wrapping to the last.
func (m *Model) PrevMatch() { m.step(-1) }

func (m *Model) step(d int) {
	n := len(m.search.Matches)
	if n == 0 {
		return
	}
	m.current = ((m.current+d)%n + n) % n
	m.reveal()
}

// reveal scrolls so the current match is visible, a third down the view.
func (m *Model) reveal() {
	mt := m.search.Matches[m.current]
	if mt.Line < m.y || mt.Line >= m.y+m.height {
		m.y = mt.Line - m.height/3
	}
	line := m.content.Lines[mt.Line]
	startCol := lineWidth(line[:mt.Start])
	endCol := lineWidth(line[:mt.End])
	if startCol < m.x || endCol > m.x+m.width {
		m.x = startCol - hStep
	}
	m.clamp()
}

// View renders exactly width×height cells of the visible lines.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	var b strings.Builder
	matches := m.search.Matches
	mi := sort.Search(len(matches), func(i int) bool { return matches[i].Line >= m.y })
	for row := 0; row < m.height; row++ {
		if row > 0 {
			b.WriteByte('\n')
		}
		n := m.y + row
		if n >= len(m.content.Lines) {
			b.WriteString(strings.Repeat(" ", m.width))
			continue
		}
		raw := m.content.Lines[n]
		first := mi
		for mi < len(matches) && matches[mi].Line == n {
			mi++
		}
		b.WriteString(m.viewLine(raw, m.highlight(raw, first, mi)))
	}
	return b.String()
}

// viewLine cuts the styled form of raw to the visible columns, marking
// with "←" and "→" the edges where the line goes on.
func (m *Model) viewLine(raw, styled string) string {
	w := lineWidth(raw)
	from, to := m.x, m.x+m.width
	left := m.x > 0 && w > 0 && m.width > 1
	right := w > to && m.width > 1
	if left {
		from++
	}
	if right {
		to--
	}
	cut := ansi.Cut(styled, from, to)
	if left {
		cut = m.Marker.Render("←") + cut
	}
	if right {
		cut += strings.Repeat(" ", max(0, m.width-1-ansi.StringWidth(cut))) + m.Marker.Render("→")
	}
	if pad := m.width - ansi.StringWidth(cut); pad > 0 {
		cut += strings.Repeat(" ", pad)
	}
	return cut
}

// highlight styles matches[from:to] (all on this line) within line, and
// the inert escapes between them.
func (m *Model) highlight(line string, from, to int) string {
	if from == to {
		return widgets.StyleEscapes(line, m.Escaped)
	}
	var b strings.Builder
	last := 0
	for i := from; i < to; i++ {
		mt := m.search.Matches[i]
		if mt.Start < last || mt.End > len(line) {
			continue
		}
		b.WriteString(widgets.StyleEscapes(line[last:mt.Start], m.Escaped))
		st := m.Match
		if i == m.current {
			st = m.Current
		}
		b.WriteString(st.Render(line[mt.Start:mt.End]))
		last = mt.End
	}
	b.WriteString(widgets.StyleEscapes(line[last:], m.Escaped))
	return b.String()
}
