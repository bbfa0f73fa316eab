package devices

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"mdlr/api"
)

// lineOf returns the rendered table line showing name.
func lineOf(t *testing.T, view, name string) string {
	t.Helper()
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(ansi.Strip(l), name) {
			return l
		}
	}
	t.Fatalf("%s not on screen:\n%s", name, ansi.Strip(view))
	return ""
}

// styled reports whether line shows text in sty: rendered as one run, or
// rune by rune (lipgloss renders underlined text a rune at a time).
func styled(line, text string, sty interface{ Render(...string) string }) bool {
	if strings.Contains(line, sty.Render(text)) {
		return true
	}
	open, _, _ := strings.Cut(sty.Render("x"), "x")
	var want strings.Builder
	for _, r := range text {
		if !strings.Contains(line, open+string(r)) {
			return false
		}
		want.WriteRune(r)
	}
	return strings.Contains(ansi.Strip(line), want.String())
}

func analystFleet() []api.Machine {
	fleet := smallFleet()
	fleet[1].MachineTags = []string{"analysts"}
	fleet[1].IPAddresses = []api.IPAddress{{IPAddress: "fe80::beef"}}
	return fleet
}

// TestMatchOutsideTheNameIsShownWhereItIs: a match in the tags is
// highlighted in the TAGS column when it is drawn, and named in a note
// after the device name when it is not.
func TestMatchOutsideTheNameIsShownWhereItIs(t *testing.T) {
	m, _ := loaded(t, analystFleet())
	st := m.c.Styles
	m.Update(press('/', "/"))
	typeText(m, "analysts")
	m.Update(enter)
	m.SetSize(100, 30) // TAGS drawn; the only match is the selected row
	line := lineOf(t, m.View(), "win-offline-07")
	if !styled(line, "analysts", st.MatchSelected) || strings.Contains(ansi.Strip(line), "· tag") {
		t.Fatalf("100 columns: the tag match is not highlighted in TAGS: %q", line)
	}
	m.SetSize(80, 24) // TAGS dropped
	line = lineOf(t, m.View(), "win-offline-07")
	if !strings.Contains(ansi.Strip(line), "win-offline-07") || !strings.Contains(ansi.Strip(line), "· tag analysts") {
		t.Fatalf("80 columns: no note saying the tag matched: %q", ansi.Strip(line))
	}
	m.Update(press('/', "/"))
	m.Update(esc)
	typeText(m, "/beef")
	line = lineOf(t, m.View(), "win-offline-07")
	if !strings.Contains(ansi.Strip(line), "· ip fe80::beef") {
		t.Fatalf("a match in another interface address is not named: %q", ansi.Strip(line))
	}
}

// TestSelectedRowKeepsItsHighlight: the cursor row is reverse video and
// its matched characters are still marked.
func TestSelectedRowKeepsItsHighlight(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	m.Update(press('/', "/"))
	typeText(m, "busy")
	m.Update(enter)
	line := lineOf(t, m.View(), "win-busy-03")
	if !strings.HasPrefix(ansi.Strip(line), "> ") || !styled(line, "busy", m.c.Styles.MatchSelected) {
		t.Fatalf("selected row without its match highlight: %q", line)
	}
	if ansi.StringWidth(line) != 100 {
		t.Fatalf("selected row is %d wide", ansi.StringWidth(line))
	}
}

func TestFilterHelpSaysWhatTheKeysDo(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	m.Update(press('/', "/"))
	var got []string
	for _, b := range m.ShortHelp() {
		got = append(got, b.Help().Key+" "+b.Help().Desc)
	}
	if s := strings.Join(got, " · "); s != "enter keep filter, back to the list · esc clear filter" {
		t.Fatalf("filter help = %q", s)
	}
}

// TestLongHealthIsShortInTheTableAndFullInDetails.
func TestLongHealthIsShortInTheTableAndFullInDetails(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	selectName(t, m, "lnx-web-04.contoso.local")
	m.Update(press('d', "d"))
	v := ansi.Strip(m.View())
	if !strings.Contains(lineOf(t, v, "lnx-web-04"), "Comm issue") || strings.Contains(v, "Impaired…") {
		t.Fatalf("table health form:\n%s", v)
	}
	if !strings.Contains(v, "health ImpairedCommunication (Comm issue)") {
		t.Fatalf("detail pane does not give the full health:\n%s", v)
	}
}

// TestEscapesAreStyledApart: inert escapes in tags are drawn in the
// Escaped style in the table and the detail pane.
func TestEscapesAreStyledApart(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	m.SetSize(200, 40)
	selectName(t, m, "win-hostile-66.contoso.local")
	m.Update(down) // the hostile row unselected
	m.Update(press('d', "d"))
	view := m.View()
	if !styled(lineOf(t, view, "win-hostile-66"), "^[", m.c.Styles.Escaped) {
		t.Fatalf("table: escape not styled: %q", lineOf(t, view, "win-hostile-66"))
	}
	m.Update(press('k', "k"))
	if !styled(m.View(), "^[", m.c.Styles.Escaped) {
		t.Fatal("detail pane: escape not styled")
	}
}

// TestRowsKeepNoMachines: rows are built from a page and keep only what
// the screen shows; plans get the raw values even for hostile text.
func TestRowsKeepRawIdentityOfHostileDevices(t *testing.T) {
	fleet := smallFleet()
	fleet[0].ComputerDNSName = "evil\x1b[2Jname"
	f := newFleet()
	f.appendPage(fleet)
	if got := f.rows[0].name(); got != "evil^[[2Jname" {
		t.Fatalf("row name = %q, want it inert", got)
	}
	if id := f.identity(0); id.name != "evil\x1b[2Jname" || id.id != fleet[0].ID {
		t.Fatalf("identity = %+v, want the raw values", id)
	}
	if id := f.identity(1); id.name != fleet[1].ComputerDNSName || id.os != "Windows10" || id.health != "Inactive" {
		t.Fatalf("identity of a plain device = %+v", id)
	}
	if len(f.raw) != 1 {
		t.Fatalf("%d raw identities kept, want 1 (hostile tags are not identity)", len(f.raw))
	}
}
