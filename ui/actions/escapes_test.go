package actions

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"mdlr/ui/common"
)

// TestEscapesAndAppRequestors: inert escapes in API text are styled apart
// and a GUID requestor is labelled as an app.
func TestEscapesAndAppRequestors(t *testing.T) {
	eng, svc := fixtures()
	svc.actions[2].Requestor = "81957979-7999-4c8d-b0b0-46d9031e7011"
	m := newScreen(t, eng, svc, false)
	m.SetSize(200, 30)
	run(m, m.Update(common.NavigateMsg{To: common.ActionsScreen}))
	press(m, 'm', "m")
	v := m.View()
	if !strings.Contains(v, m.c.Styles.Escaped.Render("^[")+"[2J") {
		t.Fatalf("escape in a device name not styled:\n%q", v)
	}
	if !strings.Contains(ansi.Strip(v), "app 81957979 ") || strings.Contains(ansi.Strip(v), "81957979-7999") {
		t.Fatalf("GUID requestor not labelled:\n%s", ansi.Strip(v))
	}
}
