// Package widgets holds small pieces shared by screens: fitting a frame to
// an exact size, a y/N confirmation and human-readable sizes and ages.
package widgets

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Line truncates s to width cells and pads it with spaces to exactly width.
func Line(s string, width int) string {
	if width <= 0 {
		return ""
	}
	s = ansi.Truncate(s, width, "…")
	if pad := width - ansi.StringWidth(s); pad > 0 {
		s += strings.Repeat(" ", pad)
	}
	return s
}

// Fit renders lines as a block of exactly width×height cells: each line is
// truncated and padded, missing lines are blank, extra lines are dropped.
// Lines containing newlines are split first.
func Fit(lines []string, width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	flat := make([]string, 0, height)
	for _, l := range lines {
		flat = append(flat, strings.Split(l, "\n")...)
		if len(flat) >= height {
			break
		}
	}
	out := make([]string, height)
	for i := range out {
		s := ""
		if i < len(flat) {
			s = flat[i]
		}
		out[i] = Line(s, width)
	}
	return strings.Join(out, "\n")
}

// WrapWords wraps s into lines of at most width cells, breaking only at
// spaces (ids and paths with hyphens stay whole) unless a single word is
// wider than width, which is then cut into width-wide pieces.
func WrapWords(s string, width int) []string {
	width = max(1, width)
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		for ansi.StringWidth(w) > width {
			if cur != "" {
				lines = append(lines, cur)
				cur = ""
			}
			head := ansi.Truncate(w, width, "")
			lines = append(lines, head)
			w = w[len(head):]
		}
		switch {
		case cur == "":
			cur = w
		case ansi.StringWidth(cur)+1+ansi.StringWidth(w) <= width:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}
