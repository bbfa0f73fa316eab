package devices

import (
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"mdlr/ui/widgets"
)

// runKind classifies the bytes of a painted cell.
type runKind uint8

const (
	runPlain runKind = iota
	runMatch
	runEscape
)

// painter renders cells of one table row: matched characters (pos,
// ascending offsets into the row's haystack) and inert escapes stand out,
// and in the selected row every piece keeps the reverse video.
type painter struct {
	m   *Model
	pos []int
	sel bool
	dim bool // plain text in the subtle style (a match note)
}

func (p painter) style(k runKind) (lipgloss.Style, bool) {
	st := p.m.c.Styles
	switch {
	case k == runMatch && p.sel:
		return st.MatchSelected, true
	case k == runMatch:
		return st.Match, true
	case k == runEscape && p.sel:
		return st.EscapedSelected, true
	case k == runEscape:
		return st.Escaped, true
	case p.sel:
		return st.Selected, true
	case p.dim:
		return st.Subtle, true
	}
	return lipgloss.Style{}, false
}

// plain renders s (no matches or escapes) in the row's plain style.
func (p painter) plain(s string) string {
	if s == "" {
		return ""
	}
	if st, ok := p.style(runPlain); ok {
		return st.Render(s)
	}
	return s
}

// cell renders text, which starts at byte base of the haystack (base < 0:
// not part of it), in exactly w columns: cut with an ellipsis when too
// wide, then padded.
func (p painter) cell(text string, base, w int) string {
	if w <= 0 {
		return ""
	}
	cut, ell := text, ""
	if ansi.StringWidth(text) > w {
		cut, ell = ansi.Truncate(text, w-1, ""), "…"
	}
	out := p.text(cut, base) + p.plain(ell)
	if n := w - ansi.StringWidth(cut+ell); n > 0 {
		out += p.plain(strings.Repeat(" ", n))
	}
	return out
}

// text renders s with its matched bytes and escapes styled.
func (p painter) text(s string, base int) string {
	var hits []int // matched offsets within s
	if base >= 0 {
		lo, _ := slices.BinarySearch(p.pos, base)
		for _, x := range p.pos[lo:] {
			if x >= base+len(s) {
				break
			}
			hits = append(hits, x-base)
		}
	}
	escs := widgets.EscapeRanges(s)
	if len(hits) == 0 && len(escs) == 0 {
		return p.plain(s)
	}
	kind := func(i int) runKind {
		if _, ok := slices.BinarySearch(hits, i); ok {
			return runMatch
		}
		for _, e := range escs {
			if i >= e[0] && i < e[1] {
				return runEscape
			}
		}
		return runPlain
	}
	var b strings.Builder
	start, cur := 0, runKind(255)
	flush := func(end int) {
		if end > start {
			if st, ok := p.style(cur); ok {
				b.WriteString(st.Render(s[start:end]))
			} else {
				b.WriteString(s[start:end])
			}
		}
		start = end
	}
	for i := range s { // rune starts
		if k := kind(i); k != cur {
			flush(i)
			cur = k
		}
	}
	flush(len(s))
	return b.String()
}

// note describes where a row matched when some matched characters are in
// none of the drawn columns (the id, another IP, a dropped column):
// "· tag analysts", with the matched characters highlighted, in at most w
// columns. It returns "" when every match is visible.
func (p painter) note(r *row, shown []segment, w int) string {
	var count [numSegments]int
	for _, x := range p.pos {
		s := segmentAt(r, x)
		if !slices.Contains(shown, s) {
			count[s]++
		}
	}
	best := -1
	for s := range count {
		if count[s] > 0 && (best < 0 || count[s] >= count[best]) {
			best = s
		}
	}
	if best < 0 || w < 8 {
		return ""
	}
	seg := segment(best)
	label := "· " + segmentNames[seg] + " "
	val, base := r.seg(seg), r.segStart(seg)
	room := w - ansi.StringWidth(label)
	if ansi.StringWidth(val) > room {
		// start shortly before the first match in the segment
		lo, _ := slices.BinarySearch(p.pos, base)
		if lo < len(p.pos) && p.pos[lo]-base > room/2 {
			skip := p.pos[lo] - base - 2
			for skip > 0 && !isRuneStart(val[skip]) {
				skip--
			}
			val, base = val[skip:], base+skip
			label += "…"
			room--
		}
	}
	dim := p
	dim.dim = !p.sel
	return dim.plain(label) + dim.cell(val, base, max(1, room))
}

// segmentAt is the segment holding haystack offset x.
func segmentAt(r *row, x int) segment {
	for s := segment(0); s < segGroup; s++ {
		if x < int(r.ends[s]) {
			return s
		}
	}
	return segGroup
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
