package compose

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestPromptsHintUntilTyped: an empty comment or path shows a neutral
// hint, not an error, until the user types (and empties it) or tries to
// save it.
func TestPromptsHintUntilTyped(t *testing.T) {
	m := openFor(t, &fakeAPI{files: library()}, windowsDevice)
	press(m, 'c', "c")
	_, p := m.promptLines()
	if got := ansi.Strip(p); !strings.Contains(got, "e.g. a ticket number") || strings.Contains(got, "required") {
		t.Fatalf("untouched comment prompt: %q", got)
	}
	if p != m.c.Styles.Subtle.Render(ansi.Strip(p)) {
		t.Fatalf("the hint is not drawn as a hint: %q", p)
	}
	press(m, tea.KeyEnter, "") // trying to save an empty comment
	if _, p := m.promptLines(); !strings.Contains(ansi.Strip(p), "a comment is required") || p == m.c.Styles.Subtle.Render(ansi.Strip(p)) {
		t.Fatalf("after enter: %q, want the error", p)
	}

	press(m, tea.KeyEscape, "")
	press(m, 'f', "f")
	if _, p := m.promptLines(); !strings.Contains(p, `the full path of the file on the device, e.g. C:\Windows\Temp\file.zip`) {
		t.Fatalf("untouched path prompt: %q", ansi.Strip(p))
	}
	typeText(m, "x")
	press(m, tea.KeyBackspace, "")
	if _, p := m.promptLines(); !strings.Contains(ansi.Strip(p), "GetFile needs") && !strings.Contains(ansi.Strip(p), "path") {
		t.Fatalf("typed then emptied path: %q, want the error", ansi.Strip(p))
	} else if p == m.c.Styles.Subtle.Render(ansi.Strip(p)) {
		t.Fatalf("typed then emptied path still shows a hint: %q", p)
	}
}

// TestEditAndFilterHelpSayWhatKeysDo: the help bar names what enter and
// esc do in the editor and the library filter.
func TestEditAndFilterHelpSayWhatKeysDo(t *testing.T) {
	m := openFor(t, &fakeAPI{files: library()}, windowsDevice)
	help := func() string {
		var out []string
		for _, b := range m.ShortHelp() {
			out = append(out, b.Help().Key+" "+b.Help().Desc)
		}
		return strings.Join(out, " · ")
	}
	press(m, 'c', "c")
	if h := help(); h != "enter save · esc cancel" {
		t.Fatalf("editor help %q", h)
	}
	press(m, tea.KeyEscape, "")
	press(m, '/', "/")
	if h := help(); h != "enter keep filter · esc clear filter" {
		t.Fatalf("filter help %q", h)
	}
}
