package results

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestLongLinesShowAMarkerAndScrollSideways: a line wider than the window
// ends in "→"; → scrolls right, after which the line starts with "←".
func TestLongLinesShowAMarkerAndScrollSideways(t *testing.T) {
	long := "start " + strings.Repeat("x", 150) + " END"
	m := openResult(t, scriptAction("short line\n"+long+"\n", "", 0), 0)
	lineWith := func(s string) string {
		for _, l := range strings.Split(ansi.Strip(m.View()), "\n") {
			if strings.Contains(l, s) {
				return l
			}
		}
		t.Fatalf("no line with %q:\n%s", s, ansi.Strip(m.View()))
		return ""
	}
	if l := lineWith("start x"); !strings.HasSuffix(l, "→") || ansi.StringWidth(l) != 100 {
		t.Fatalf("cut line without a marker: %q", l)
	}
	if l := lineWith("short line"); strings.Contains(l, "→") {
		t.Fatalf("a line that fits has a marker: %q", l)
	}
	if h := m.ShortHelp(); len(h) < 2 || h[1].Help().Desc != "scroll sideways" {
		t.Fatalf("help does not offer sideways scrolling: %v", h)
	}
	for range 10 {
		m.Update(tea.KeyPressMsg{Code: tea.KeyRight})
	}
	if l := lineWith("END"); !strings.HasPrefix(l, "←") || strings.HasSuffix(l, "→") {
		t.Fatalf("scrolled to the end: %q", l)
	}
	if l := lineWith("←"); l == "" {
		t.Fatal("no left marker")
	}
	checkFrame(t, m)
}

// TestHeadingWrapsOnNarrowWindows: at 80 columns the heading goes on to a
// second line rather than being cut, and the frame still fits.
func TestHeadingWrapsOnNarrowWindows(t *testing.T) {
	eng := scriptAction("out\n", "", 0)
	a := eng.actions[actionID]
	a.Commands[0].Target = "collect-triage.ps1 -OutPath C:\\Windows\\Temp\\triage.zip -Days 3"
	eng.actions[actionID] = a
	m := openResult(t, eng, 0)
	m.SetSize(80, 24)
	lines := strings.Split(ansi.Strip(m.View()), "\n")
	if len(lines) != 24 {
		t.Fatalf("%d lines", len(lines))
	}
	top := lines[0] + " " + lines[1]
	for _, want := range []string{"collect-triage.ps1", "win-analyst-01.contoso.local", "action 7f3c2a10"} {
		if !strings.Contains(top, want) {
			t.Fatalf("heading lost %q:\n%s", want, strings.Join(lines[:3], "\n"))
		}
	}
	for i, l := range lines {
		if ansi.StringWidth(l) != 80 {
			t.Fatalf("line %d is %d wide", i, ansi.StringWidth(l))
		}
	}
	if !strings.Contains(strings.Join(lines, "\n"), "out") {
		t.Fatal("output not shown under the wrapped heading")
	}
}

// TestOutputEscapesAreStyled: inert escapes in script output are drawn in
// the Escaped style so they do not read as text the script printed.
func TestOutputEscapesAreStyled(t *testing.T) {
	m := openResult(t, scriptAction("a \x1b[31mred\x1b[0m b\n", "", 0), 0)
	if v := m.View(); !strings.Contains(v, m.c.Styles.Escaped.Render("^[")+"[31mred") {
		t.Fatalf("escape not styled: %q", v)
	}
}
