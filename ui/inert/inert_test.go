package inert

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTextShowsControls(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain-host.contoso.local", "plain-host.contoso.local"},
		{"red\x1b[31mtag", "red^[[31mtag"},
		{"\x1b]0;pwned\x07", "^[]0;pwned^G"},
		{"a\nb\tc\rd", `a\nb c\rd`},
		{"c1\u009b31m", "c1<U+009B>31m"},
		{"abc\u202etxt.exe", "abc<U+202E>txt.exe"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{"del\x7f", "del^?"},
		{"wide 漢字", "wide 漢字"},
	}
	for _, c := range cases {
		if got := Text(c.in); got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestBlockKeepsLinesAndExpandsTabs(t *testing.T) {
	got := Block("a\tb\r\nline2\x1b[2J\n\x00\x00")
	want := "a   b\nline2^[[2J\n^@^@"
	if got != want {
		t.Fatalf("Block = %q, want %q", got, want)
	}
}

// assertInert checks the property every output must hold: no byte that a
// terminal would interpret as the start of a control sequence.
func assertInert(t *testing.T, out string, allowNewline bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("output is not valid UTF-8: %q", out)
	}
	for _, r := range out {
		if r == '\n' && allowNewline {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || isInvisibleFormat(r) {
			t.Fatalf("output contains control rune %U: %q", r, out)
		}
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"", "host", "\x1b[31m", "\x1bP1$r\x1b\\", "\x9b2J", "\u202e", "\xff\xfe", "a\r\nb\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		assertInert(t, out, false)
		if strings.ContainsRune(out, '\n') {
			t.Fatalf("Text kept a newline: %q", out)
		}
		assertInert(t, Block(s), true)
	})
}

func BenchmarkBlockLargeOutput(b *testing.B) {
	line := "PID   Name            CPU  \x1b[31mwarn\x1b[0m\r\n"
	s := strings.Repeat(line, 100_000)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		_ = Block(s)
	}
}
