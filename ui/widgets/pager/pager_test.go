package pager

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"mdlr/keymap"
	"mdlr/ui/styles"
)

func newPager(text string, w, h int) *Model {
	st := styles.New(true)
	m := New(st.Match, st.MatchCurrent)
	m.SetContent(Prepare(text))
	m.SetSize(w, h)
	return &m
}

func TestPrepareMakesInertAndSplitsLongLines(t *testing.T) {
	long := strings.Repeat("é", MaxLineBytes) // 2 bytes each
	c := Prepare("a\x1b[2Jb\r\n" + long + "\n")
	if c.Lines[0] != "a^[[2Jb" {
		t.Fatalf("line 0 %q", c.Lines[0])
	}
	if len(c.Lines) != 3 {
		t.Fatalf("want the long line split in 2, got %d lines", len(c.Lines))
	}
	for _, l := range c.Lines[1:] {
		if len(l) > MaxLineBytes || !strings.HasPrefix(l, "é") {
			t.Fatalf("bad chunk of %d bytes", len(l))
		}
	}
	if c.MaxWidth != MaxLineBytes/2 {
		t.Fatalf("max width %d", c.MaxWidth)
	}
}

func TestSearchIsCaseInsensitiveAndOrdered(t *testing.T) {
	r := Search([]string{"Foo foo", "bar", "xFOOx"}, "foo")
	want := []Match{{0, 0, 3}, {0, 4, 7}, {2, 1, 4}}
	if len(r.Matches) != len(want) {
		t.Fatalf("matches %+v", r.Matches)
	}
	for i := range want {
		if r.Matches[i] != want[i] {
			t.Fatalf("match %d = %+v, want %+v", i, r.Matches[i], want[i])
		}
	}
	if r := Search([]string{"abc"}, ""); len(r.Matches) != 0 {
		t.Fatal("empty query matched")
	}
}

func TestViewIsExactSizeAndHighlights(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 50; i++ {
		b.WriteString("line with a needle and 世界 wide chars " + strings.Repeat("x", i) + "\n")
	}
	m := newPager(b.String(), 40, 10)
	m.SetSearch(Search(m.Content().Lines, "needle"))
	for i := 0; i < 25; i++ {
		m.NextMatch()
	}
	res, cur := m.Search()
	if cur != 25 || res.Matches[cur].Line != 25 {
		t.Fatalf("current %d", cur)
	}
	if y := m.YOffset(); 25 < y || 25 >= y+10 {
		t.Fatalf("match not visible from %d", y)
	}
	v := m.View()
	lines := strings.Split(v, "\n")
	if len(lines) != 10 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w != 40 {
			t.Fatalf("width %d: %q", w, ansi.Strip(l))
		}
	}
	if lipgloss.Width(v) != 40 || !strings.Contains(ansi.Strip(v), "needle") {
		t.Fatal("bad view")
	}
	m.PrevMatch()
	if _, c := m.Search(); c != 24 {
		t.Fatalf("prev gave %d", c)
	}
}

func TestNavigationClamps(t *testing.T) {
	m := newPager("a\nb\nc\nd\ne\n", 10, 3)
	km := keymap.Default()
	end := tea.KeyPressMsg{Code: tea.KeyEnd}
	if !m.Update(end, km.Nav) || m.YOffset() != 2 {
		t.Fatalf("end gave offset %d", m.YOffset())
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyDown}, km.Nav)
	if m.YOffset() != 2 {
		t.Fatal("scrolled past the end")
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyHome}, km.Nav)
	m.Update(tea.KeyPressMsg{Code: tea.KeyUp}, km.Nav)
	if m.YOffset() != 0 {
		t.Fatal("scrolled above the top")
	}
	if m.Update(tea.KeyPressMsg{Code: 'z', Text: "z"}, km.Nav) {
		t.Fatal("unrelated key reported as used")
	}
}
