// Package inert makes untrusted text (device names, tags, script output,
// API error messages) safe to write to a terminal: escape sequences and
// control characters are shown in caret or <U+XXXX> notation instead of
// being executed, invalid UTF-8 becomes U+FFFD, and bidirectional overrides
// are made visible so they cannot reorder what the analyst reads.
package inert

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// TabWidth is the number of spaces a tab expands to in Block.
const TabWidth = 4

// Text returns s made inert for a single line: newlines, carriage returns
// and tabs are shown as \n, \r and a space respectively.
func Text(s string) string {
	if isPlainASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	writeInert(&b, s, false)
	return b.String()
}

// Block returns s made inert for multi-line display: newlines are kept,
// CRLF becomes LF, tabs expand to spaces, everything else as in Text.
func Block(s string) string {
	if isPlainASCIIBlock(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	writeInert(&b, s, true)
	return b.String()
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

func isPlainASCIIBlock(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' {
			continue
		}
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

func writeInert(b *strings.Builder, s string, block bool) {
	col := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteRune(utf8.RuneError)
			i++
			col++
			continue
		}
		i += size
		switch {
		case r == '\n':
			if block {
				b.WriteByte('\n')
				col = 0
			} else {
				b.WriteString(`\n`)
			}
		case r == '\r':
			if block && i < len(s) && s[i] == '\n' {
				continue // CRLF: the LF ends the line
			}
			if block {
				b.WriteString("^M")
			} else {
				b.WriteString(`\r`)
			}
		case r == '\t':
			if block {
				n := TabWidth - col%TabWidth
				b.WriteString(strings.Repeat(" ", n))
				col += n
				continue
			}
			b.WriteByte(' ')
		case r < 0x20:
			b.WriteByte('^')
			b.WriteByte(byte(r) + '@')
			col += 2
			continue
		case r == 0x7f:
			b.WriteString("^?")
		case r >= 0x80 && r <= 0x9f, isInvisibleFormat(r):
			fmt.Fprintf(b, "<U+%04X>", r)
		default:
			b.WriteRune(r)
		}
		col++
	}
}

// isInvisibleFormat reports runes that change how text around them is
// displayed without being visible: bidi controls, zero-width and
// line/paragraph separators, and the BOM.
func isInvisibleFormat(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	case r >= 0x200b && r <= 0x200d, r == 0x2060, r == 0xfeff:
		return true
	case r == 0x2028, r == 0x2029:
		return true
	}
	return false
}
