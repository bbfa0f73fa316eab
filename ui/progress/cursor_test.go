package progress

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestCursorRowIsReverseVideo: the selected command row is drawn in the
// Selected style across the width, like every other list.
func TestCursorRowIsReverseVideo(t *testing.T) {
	m, _ := setup(t, running())
	m.Update(press(tea.KeyDown, ""))
	var row string
	for _, l := range strings.Split(m.View(), "\n") {
		if strings.HasPrefix(ansi.Strip(l), "> 2") {
			row = l
		}
	}
	want := m.c.Styles.Selected.Render(ansi.Strip(row))
	if row == "" || row != want {
		t.Fatalf("cursor row %q, want it all in the Selected style", row)
	}
	if !strings.Contains(row, "running") || ansi.StringWidth(row) != 100 {
		t.Fatalf("cursor row lost its state or width: %q", ansi.Strip(row))
	}
}

// TestHumanRequestorIsShownAsIs: only a GUID-shaped requestor is labelled
// as an app id.
func TestHumanRequestorIsShownAsIs(t *testing.T) {
	m, _ := setup(t, running())
	if v := strip(m); !strings.Contains(v, "requested by analyst@contoso.com") || strings.Contains(v, "app id") {
		t.Fatalf("a person's requestor is relabelled:\n%s", v)
	}
	if !isGUID("81957979-7999-4c8d-b0b0-46d9031e7011") || isGUID("81957979-7999-4c8d-b0b0-46d9031e701x") || isGUID("analyst@contoso.com") {
		t.Fatal("isGUID misjudges")
	}
}
