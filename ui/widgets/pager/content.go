// Package pager is a read-only, line-oriented text viewer built for very
// large outputs (hundreds of thousands of lines, tens of megabytes): content
// is prepared once off the UI goroutine, search runs in a Cmd, and a frame
// renders only the visible lines.
package pager

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"mdlr/ui/inert"
)

// MaxLineBytes is the longest line kept as one display line; longer lines
// (a megabyte of output without a newline) continue on the next display
// lines so that no frame has to cut a huge string.
const MaxLineBytes = 4096

// Content is text ready to show: made inert, split into display lines, with
// the widest line measured. Build it with Prepare inside a tea.Cmd.
type Content struct {
	Lines    []string
	MaxWidth int
	Bytes    int // size of the original text
}

// Prepare makes untrusted text inert and splits it into display lines.
// It is O(len(text)); call it from a tea.Cmd, never from Update or View.
func Prepare(text string) Content {
	c := Content{Bytes: len(text)}
	if text == "" {
		return c
	}
	safe := inert.Block(text)
	safe = strings.TrimSuffix(safe, "\n")
	raw := strings.Split(safe, "\n")
	c.Lines = make([]string, 0, len(raw))
	for _, line := range raw {
		for len(line) > MaxLineBytes {
			cut := MaxLineBytes
			for cut > 0 && !utf8.RuneStart(line[cut]) {
				cut--
			}
			if cut == 0 {
				cut = MaxLineBytes
			}
			c.Lines = append(c.Lines, line[:cut])
			line = line[cut:]
		}
		c.Lines = append(c.Lines, line)
	}
	for _, l := range c.Lines {
		if w := lineWidth(l); w > c.MaxWidth {
			c.MaxWidth = w
		}
	}
	return c
}

// lineWidth measures a display line, fast for plain ASCII.
func lineWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}
