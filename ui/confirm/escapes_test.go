package confirm

import (
	"strings"
	"testing"

	"mdlr/ui/common"
)

// TestHostileTextIsStyledApart: escapes in the device name, a target and
// the comment are shown in the Escaped style.
func TestHostileTextIsStyledApart(t *testing.T) {
	m := New(newCommon())
	m.SetSize(100, 30)
	p := testPlan("Active")
	p.Device.Name = "evil\x1b[31mname"
	p.Comment = "note\u202e"
	m.Update(common.NavigateMsg{To: common.ConfirmScreen, Plan: &p})
	v := m.View()
	esc := m.c.Styles.Escaped
	for _, want := range []string{esc.Render("^["), esc.Render("<U+202E>")} {
		if !strings.Contains(v, want) {
			t.Fatalf("%q not styled in:\n%q", want, v)
		}
	}
}
