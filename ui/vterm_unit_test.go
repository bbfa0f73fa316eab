package ui

import "testing"

// TestVScreenReplaysRendererSequences checks the test emulator on the
// sequences the renderer emits (moves, erases, line feeds with ONLCR,
// wide characters, auto-wrap, scrolling, split writes).
func TestVScreenReplaysRendererSequences(t *testing.T) {
	s := newVScreen(10, 4)
	s.Feed([]byte("\x1b[?1049h\x1b]2;title\x07hello\x1b[1;8Hxyz"))
	s.Feed([]byte("\nab\x1b[3Gcd\x1b[2;2H\x1b[2X\x1b[4;1H世界"))
	s.Feed([]byte("\x1b[3;5Hq\x1b[3;1H\x1b[K\x1b[3;3Hr"))
	want := "hello  xyz\na  d\n  r\n世界"
	if got := s.Text(); got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
	s.Feed([]byte("\x1b[4;9H12")) // fills the last cell; the next glyph wraps and scrolls
	s.Feed([]byte("3\x1b["))      // a sequence split across writes
	s.Feed([]byte("1;1HZ"))
	want = "Z  d\n  r\n世界    12\n3"
	if got := s.Text(); got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
}
