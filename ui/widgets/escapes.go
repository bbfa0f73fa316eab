package widgets

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// EscapeRanges returns the byte ranges [start, end) of the escapes that
// inert.Text and inert.Block show in place of control characters and
// invisible runes: caret notation ("^[", "^G", "^?"), "<U+XXXX>", and the
// replacement character U+FFFD that stands for invalid UTF-8. It works on
// inert output only; ordinary text that happens to look the same (a "^["
// typed in a script) is reported too. Literal `\n` and `\r` are not
// reported: they are as likely to be part of a Windows path.
func EscapeRanges(s string) [][2]int {
	if !strings.ContainsAny(s, "^<\uFFFD") {
		return nil
	}
	var out [][2]int
	add := func(a, b int) {
		if n := len(out); n > 0 && out[n-1][1] == a {
			out[n-1][1] = b // adjacent escapes form one run
			return
		}
		out = append(out, [2]int{a, b})
	}
	for i := 0; i < len(s); {
		switch {
		case s[i] == '^' && i+1 < len(s) && (s[i+1] >= '@' && s[i+1] <= '_' || s[i+1] == '?'):
			add(i, i+2)
			i += 2
		case s[i] == '<':
			if n := codePointLen(s[i:]); n > 0 {
				add(i, i+n)
				i += n
				continue
			}
			i++
		case strings.HasPrefix(s[i:], "\uFFFD"):
			add(i, i+len("\uFFFD"))
			i += len("\uFFFD")
		default:
			i++
		}
	}
	return out
}

// codePointLen is the length of a "<U+XXXX>" (4 to 6 upper-case hex
// digits) at the start of s, or 0.
func codePointLen(s string) int {
	if !strings.HasPrefix(s, "<U+") {
		return 0
	}
	for n := 3; n < len(s) && n <= 9; n++ {
		c := s[n]
		switch {
		case c == '>' && n >= 7:
			return n + 1
		case c >= '0' && c <= '9', c >= 'A' && c <= 'F':
		default:
			return 0
		}
	}
	return 0
}

// StyleEscapes renders inert text s with its escapes (see EscapeRanges)
// in esc and the rest unchanged, so that they stand out from ordinary
// text. The width of the result equals the width of s.
func StyleEscapes(s string, esc lipgloss.Style) string {
	return StyleRuns(s, lipgloss.Style{}, esc, false)
}

// StyleRuns renders inert text s: escapes in esc, the rest in plain, or
// left unstyled when styled is false.
func StyleRuns(s string, plain, esc lipgloss.Style, styled bool) string {
	rs := EscapeRanges(s)
	if rs == nil {
		if styled && s != "" {
			return plain.Render(s)
		}
		return s
	}
	var b strings.Builder
	at := 0
	for _, r := range rs {
		if r[0] > at {
			b.WriteString(renderIf(s[at:r[0]], plain, styled))
		}
		b.WriteString(esc.Render(s[r[0]:r[1]]))
		at = r[1]
	}
	if at < len(s) {
		b.WriteString(renderIf(s[at:], plain, styled))
	}
	return b.String()
}

func renderIf(s string, st lipgloss.Style, styled bool) string {
	if styled {
		return st.Render(s)
	}
	return s
}

// LooksLikeGUID reports a value shaped like a GUID (8-4-4-4-12 hex
// digits). Defender puts an application's id in an action's requestor
// when an app, not a person, asked for it.
func LooksLikeGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}
