package chrome

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestLineInputEditing(t *testing.T) {
	var l LineInput
	if l.Update(tea.KeyPressMsg{Code: 'a', Text: "a"}) {
		t.Fatal("unfocused input changed")
	}
	l.Focus()
	for _, r := range "foo bar" {
		l.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	if l.Value() != "foo bar" {
		t.Fatalf("value %q", l.Value())
	}
	l.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	l.Update(tea.KeyPressMsg{Code: 'w', Mod: tea.ModCtrl})
	if l.Value() != "foo " {
		t.Fatalf("after backspace + ctrl+w: %q", l.Value())
	}
	if l.Update(tea.KeyPressMsg{Code: 'x', Mod: tea.ModCtrl}) {
		t.Fatal("ctrl+x inserted text")
	}
	l.Update(tea.PasteMsg{Content: "a\x1b[31mb\nc"})
	if l.Value() != "foo a[31mbc" {
		t.Fatalf("paste kept control characters: %q", l.Value())
	}
	l.Update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	if l.Value() != "" {
		t.Fatalf("ctrl+u: %q", l.Value())
	}
}

func TestLineInputViewKeepsTheEndVisible(t *testing.T) {
	l := LineInput{Prompt: "/", MaxRunes: 50}
	l.Focus()
	l.SetValue(strings.Repeat("ab", 40))
	if len([]rune(l.Value())) != 50 {
		t.Fatalf("MaxRunes not applied: %d", len(l.Value()))
	}
	v := l.View(20)
	if ansi.StringWidth(v) != 20 || !strings.HasSuffix(v, "ab_") || !strings.HasPrefix(v, "/…") {
		t.Fatalf("view %q", v)
	}
}

func TestFitExactSize(t *testing.T) {
	out := Fit("a\nwide 漢字 text\n", 6, 4)
	lines := strings.Split(out, "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) != 6 {
			t.Fatalf("line %q width %d", l, ansi.StringWidth(l))
		}
	}
	if ShortName("win-a.contoso.local") != "win-a" || ShortName(".x") != ".x" {
		t.Fatal("ShortName")
	}
}
