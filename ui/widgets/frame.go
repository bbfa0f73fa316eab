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
