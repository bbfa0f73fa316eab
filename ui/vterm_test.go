package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// vscreen is a minimal terminal emulator for end-to-end tests: it replays
// the renderer's byte stream (cursor moves, erases, repeats, scrolls and
// text) onto a grid, so a test can ask what the user sees now instead of
// searching a diff stream where unchanged cells are never rewritten.
// Colours, modes and OSC/DCS strings are ignored.
type vscreen struct {
	w, h       int
	cells      [][]string // "" is the right half of a wide character
	x, y       int
	top, bot   int // scroll region, inclusive
	savedX     int
	savedY     int
	state      byte
	parser     *ansi.Parser
	pending    []byte // an incomplete sequence carried to the next feed
	lastGlyph  string
	wrapNeeded bool
}

func newVScreen(w, h int) *vscreen {
	s := &vscreen{w: w, h: h, parser: ansi.NewParser()}
	s.cells = make([][]string, h)
	for i := range s.cells {
		s.cells[i] = blankRow(w)
	}
	s.bot = h - 1
	return s
}

func blankRow(w int) []string {
	r := make([]string, w)
	for i := range r {
		r[i] = " "
	}
	return r
}

// Text is the screen as lines with trailing blanks removed.
func (s *vscreen) Text() string {
	lines := make([]string, s.h)
	for i, row := range s.cells {
		lines[i] = strings.TrimRight(strings.Join(row, ""), " ")
	}
	return strings.Join(lines, "\n")
}

// Feed replays b.
func (s *vscreen) Feed(b []byte) {
	data := append(s.pending, b...)
	s.pending = nil
	for len(data) > 0 {
		seq, width, n, st := ansi.DecodeSequence(data, s.state, s.parser)
		if n == 0 {
			break
		}
		if st != ansi.NormalState && n == len(data) {
			// the sequence continues in the next write
			s.pending = append([]byte(nil), data...)
			s.state = 0
			return
		}
		s.state = st
		data = data[n:]
		if st != ansi.NormalState {
			continue
		}
		s.apply(seq, width)
	}
}

func (s *vscreen) apply(seq []byte, width int) {
	switch {
	case width > 0:
		s.put(string(seq), width)
	case len(seq) == 1:
		s.control(seq[0])
	case ansi.HasCsiPrefix(seq):
		s.csi(ansi.Cmd(s.parser.Command()))
	case len(seq) == 2 && seq[0] == ansi.ESC:
		s.esc(seq[1])
	}
}

func (s *vscreen) put(g string, width int) {
	if s.wrapNeeded || s.x+width > s.w {
		s.x = 0
		s.lineFeed()
	}
	s.wrapNeeded = false
	s.cells[s.y][s.x] = g
	for i := 1; i < width && s.x+i < s.w; i++ {
		s.cells[s.y][s.x+i] = ""
	}
	s.lastGlyph = g
	s.x += width
	if s.x >= s.w {
		s.x = s.w - 1
		s.wrapNeeded = true
	}
}

func (s *vscreen) control(c byte) {
	s.wrapNeeded = false
	switch c {
	case '\r':
		s.x = 0
	case '\n', '\v', '\f':
		// the renderer expects a tty's output processing (ONLCR): a line
		// feed also returns the carriage
		s.x = 0
		s.lineFeed()
	case '\b':
		s.x = max(0, s.x-1)
	case '\t':
		s.x = min(s.w-1, (s.x/8+1)*8)
	}
}

func (s *vscreen) esc(c byte) {
	switch c {
	case 'M': // reverse index
		if s.y == s.top {
			s.scrollDown(1)
		} else {
			s.y = max(0, s.y-1)
		}
	case 'D':
		s.lineFeed()
	case 'E':
		s.x = 0
		s.lineFeed()
	case '7':
		s.savedX, s.savedY = s.x, s.y
	case '8':
		s.x, s.y = s.savedX, s.savedY
	}
}

func (s *vscreen) lineFeed() {
	if s.y == s.bot {
		s.scrollUp(1)
		return
	}
	s.y = min(s.h-1, s.y+1)
}

func (s *vscreen) param(i, def int) int {
	v, ok := s.parser.Param(i, def)
	if !ok || v == 0 {
		return def
	}
	return v
}

func (s *vscreen) csi(cmd ansi.Cmd) {
	if cmd.Prefix() != 0 || cmd.Intermediate() != 0 {
		return // private modes and the like
	}
	n := s.param(0, 1)
	if cmd.Final() != 'b' {
		s.wrapNeeded = false
	}
	switch cmd.Final() {
	case 'A':
		s.y = max(0, s.y-n)
	case 'B':
		s.y = min(s.h-1, s.y+n)
	case 'C':
		s.x = min(s.w-1, s.x+n)
	case 'D':
		s.x = max(0, s.x-n)
	case 'E':
		s.x, s.y = 0, min(s.h-1, s.y+n)
	case 'F':
		s.x, s.y = 0, max(0, s.y-n)
	case 'G', '`':
		s.x = clampInt(n-1, 0, s.w-1)
	case 'd':
		s.y = clampInt(n-1, 0, s.h-1)
	case 'H', 'f':
		s.y = clampInt(s.param(0, 1)-1, 0, s.h-1)
		s.x = clampInt(s.param(1, 1)-1, 0, s.w-1)
	case 'J':
		s.eraseDisplay(s.rawParam(0))
	case 'K':
		s.eraseLine(s.rawParam(0))
	case 'X':
		for i := s.x; i < min(s.w, s.x+n); i++ {
			s.cells[s.y][i] = " "
		}
	case 'b':
		for range n {
			if s.lastGlyph != "" {
				s.put(s.lastGlyph, 1)
			}
		}
	case '@':
		row := s.cells[s.y]
		n = min(n, s.w-s.x)
		copy(row[s.x+n:], row[s.x:s.w-n])
		for i := s.x; i < s.x+n; i++ {
			row[i] = " "
		}
	case 'P':
		row := s.cells[s.y]
		n = min(n, s.w-s.x)
		copy(row[s.x:], row[s.x+n:])
		for i := s.w - n; i < s.w; i++ {
			row[i] = " "
		}
	case 'L':
		s.insertLines(n)
	case 'M':
		s.deleteLines(n)
	case 'S':
		s.scrollUp(n)
	case 'T':
		s.scrollDown(n)
	case 'r':
		s.top = clampInt(s.param(0, 1)-1, 0, s.h-1)
		s.bot = clampInt(s.param(1, s.h)-1, s.top, s.h-1)
		s.x, s.y = 0, 0
	}
}

func (s *vscreen) rawParam(i int) int {
	v, _ := s.parser.Param(i, 0)
	return v
}

func (s *vscreen) eraseDisplay(mode int) {
	switch mode {
	case 0:
		s.eraseLine(0)
		for y := s.y + 1; y < s.h; y++ {
			s.cells[y] = blankRow(s.w)
		}
	case 1:
		s.eraseLine(1)
		for y := 0; y < s.y; y++ {
			s.cells[y] = blankRow(s.w)
		}
	default:
		for y := range s.cells {
			s.cells[y] = blankRow(s.w)
		}
	}
}

func (s *vscreen) eraseLine(mode int) {
	from, to := s.x, s.w
	switch mode {
	case 1:
		from, to = 0, s.x+1
	case 2:
		from = 0
	}
	for i := from; i < min(to, s.w); i++ {
		s.cells[s.y][i] = " "
	}
}

func (s *vscreen) scrollUp(n int) {
	for range n {
		copy(s.cells[s.top:s.bot], s.cells[s.top+1:s.bot+1])
		s.cells[s.bot] = blankRow(s.w)
	}
}

func (s *vscreen) scrollDown(n int) {
	for range n {
		copy(s.cells[s.top+1:s.bot+1], s.cells[s.top:s.bot])
		s.cells[s.top] = blankRow(s.w)
	}
}

func (s *vscreen) insertLines(n int) {
	if s.y < s.top || s.y > s.bot {
		return
	}
	top := s.top
	s.top = s.y
	s.scrollDown(n)
	s.top = top
}

func (s *vscreen) deleteLines(n int) {
	if s.y < s.top || s.y > s.bot {
		return
	}
	top := s.top
	s.top = s.y
	s.scrollUp(n)
	s.top = top
}

func clampInt(v, lo, hi int) int { return max(lo, min(v, hi)) }
