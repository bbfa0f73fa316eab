package widgets

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"mdlr/keymap"
	"mdlr/ui/styles"
)

func TestFitExactSize(t *testing.T) {
	out := Fit([]string{"short", strings.Repeat("long", 30), "two\nlines", "世界世界世界"}, 10, 6)
	lines := strings.Split(out, "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) != 10 {
			t.Fatalf("%q is %d wide", l, ansi.StringWidth(l))
		}
	}
	if Fit(nil, 0, 3) != "" {
		t.Fatal("zero width should render nothing")
	}
}

func TestFieldEditing(t *testing.T) {
	var f Field
	f.SetWidth(20)
	if f.Update(tea.KeyPressMsg{Code: 'a', Text: "a"}) {
		t.Fatal("blurred field took a key")
	}
	f.Focus()
	for _, r := range "hello" {
		f.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	f.Update(tea.KeyPressMsg{Code: tea.KeyLeft})
	f.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	f.Update(tea.PasteMsg{Content: "X\nY\x1b"})
	if f.Value() != "helX Yo" {
		t.Fatalf("value %q", f.Value())
	}
	f.Update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	if f.Value() != "o" {
		t.Fatalf("ctrl+u left %q", f.Value())
	}
	st := styles.New(true)
	f.SetValue(strings.Repeat("abc", 20) + "\x1b[2J")
	if v := f.View(st.Input, st.Subtle, st.Selected); ansi.StringWidth(v) > 20 || strings.Contains(v, "\x1b[2J") {
		t.Fatalf("view too wide or not inert: %q", v)
	}
}

func TestConfirmDefaultsToNo(t *testing.T) {
	km := keymap.Default()
	var c Confirm
	c.Open("Delete?")
	if a := c.Update(tea.KeyPressMsg{Code: 'x', Text: "x"}, km.Confirm); a != Pending || !c.Active() {
		t.Fatal("unrelated key answered")
	}
	if a := c.Update(tea.KeyPressMsg{Code: tea.KeyEnter}, km.Confirm); a != No {
		t.Fatal("enter must mean No")
	}
	c.Open("Delete?")
	if a := c.Update(tea.KeyPressMsg{Code: 'y', Text: "y"}, km.Confirm); a != Yes || c.Active() {
		t.Fatal("y must confirm and close")
	}
	if c.Prompt() != "Delete? [y/N]" {
		t.Fatal(c.Prompt())
	}
}

func TestHumanFormats(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := [][2]string{
		{Bytes(512), "512 B"}, {Bytes(1536), "1.5 KB"}, {Bytes(20 << 20), "20.0 MB"},
		{Ago(now.Add(-90*time.Second), now), "1m ago"}, {Ago(now.Add(-3*time.Hour), now), "3h ago"},
		{Ago(now.Add(-72*time.Hour), now), "3d ago"}, {Ago(time.Time{}, now), "-"},
		{Short("abcdef", 3), "abc"}, {Short("éé", 1), "é"}, {Count(1, "line"), "1 line"}, {Count(2, "line"), "2 lines"},
	}
	for i, c := range cases {
		if c[0] != c[1] {
			t.Errorf("case %d: got %q, want %q", i, c[0], c[1])
		}
	}
}

func TestWrapWordsKeepsHyphenatedWords(t *testing.T) {
	got := WrapWords("action 0b1c2d3e-aaaa-bbbb-cccc-1234567890ab is busy; averyveryverylongword", 20)
	want := []string{"action", "0b1c2d3e-aaaa-bbbb-c", "ccc-1234567890ab is", "busy;", "averyveryverylongwor", "d"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q", got)
	}
	if got := WrapWords("a b  c", 3); strings.Join(got, "|") != "a b|c" {
		t.Fatalf("got %q", got)
	}
}

func TestEscapeRangesFindsInertEscapes(t *testing.T) {
	cases := map[string]string{
		"evil^[[31mred":            "[[4 6]]",
		"^[]0;pwned^G":             "[[0 2] [10 12]]",
		"a<U+202E>b<U+1F600>":      "[[1 9] [10 19]]",
		"bad\uFFFDbyte":            "[[3 6]]",
		"plain C:\\new\\x 2^3 <b>": "[]",
		"^[^[":                     "[[0 4]]",
		"<U+12>":                   "[]",
	}
	for in, want := range cases {
		if got := fmt.Sprint(EscapeRanges(in)); got != want && !(want == "[]" && got == "[]") {
			t.Errorf("EscapeRanges(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestStyleEscapesKeepsTheWidth(t *testing.T) {
	esc := styles.New(true).Escaped
	for _, in := range []string{"evil^[[31mred", "x<U+202E>y", "plain", "", "日本^G語\uFFFD"} {
		out := StyleEscapes(in, esc)
		if ansi.Strip(out) != in || ansi.StringWidth(out) != ansi.StringWidth(in) {
			t.Errorf("StyleEscapes(%q) = %q: text or width changed", in, out)
		}
		if EscapeRanges(in) != nil && out == in {
			t.Errorf("StyleEscapes(%q) did not style the escapes", in)
		}
	}
}
