package confirm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mdlr/api"
	"mdlr/keymap"
	"mdlr/state"
	"mdlr/ui/common"
	"mdlr/ui/styles"
)

func newCommon() *common.Common {
	km := keymap.Default()
	return &common.Common{Ctx: context.Background(), Styles: styles.New(true), Keys: &km,
		Now: func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }}
}

func testPlan(health string) state.Plan {
	return state.Plan{
		Device: state.Device{ID: "7f3c9a1e0b2d4c6e8f0a1b2c3d4e5f6a7b8c9d0e", Name: "win-offline-07.contoso.local",
			OSPlatform: "Windows10", HealthStatus: health},
		Commands: []state.PlanCommand{
			{Type: api.CommandPutFile, Name: "winpmem.exe"},
			{Type: api.CommandRunScript, Name: "collect-triage.ps1", Args: `-OutPath C:\Windows\Temp\triage.zip -Days 3`},
			{Type: api.CommandGetFile, Path: `C:\Windows\Temp\triage.zip`},
		},
		Comment: "IR-2231 triage of suspicious logon",
	}
}

func shown(t *testing.T, health string) *Model {
	t.Helper()
	m := New(newCommon())
	m.SetSize(100, 30)
	p := testPlan(health)
	m.Update(common.NavigateMsg{To: common.ConfirmScreen, Plan: &p})
	return m
}

func press(code rune, text string) tea.KeyPressMsg { return tea.KeyPressMsg{Code: code, Text: text} }

func TestDefaultIsNo(t *testing.T) {
	for _, k := range []tea.KeyPressMsg{{Code: tea.KeyEnter}, {Code: tea.KeyEscape}, press('n', "n"), press('x', "x")} {
		m := shown(t, "Active")
		cmd := m.Update(k)
		if m.Submitting() {
			t.Fatalf("%v started a submission", k)
		}
		if cmd == nil {
			if k.Code == 'x' {
				continue
			}
			t.Fatalf("%v did nothing", k)
		}
		if _, ok := cmd().(common.BackMsg); !ok {
			t.Fatalf("%v: want back, got %#v", k, cmd())
		}
	}
}

func TestYesSubmitsACopyOfThePlan(t *testing.T) {
	m := shown(t, "Active")
	cmd := m.Update(press('y', "y"))
	if cmd == nil || !m.Submitting() {
		t.Fatal("y did not submit")
	}
	sub, ok := cmd().(common.SubmitMsg)
	if !ok || len(sub.Plan.Commands) != 3 || sub.Plan.Comment != "IR-2231 triage of suspicious logon" {
		t.Fatalf("got %#v", sub)
	}
	if m.Update(press('y', "y")) != nil {
		t.Fatal("a second y while submitting sent again")
	}
	if !strings.Contains(ansi.Strip(m.View()), "submitting…") {
		t.Fatal("no submitting state")
	}
}

func TestReadOnlyNeverSubmits(t *testing.T) {
	m := shown(t, "Active")
	m.c.ReadOnly = true
	if cmd := m.Update(press('y', "y")); cmd != nil || m.Submitting() {
		t.Fatal("read-only console submitted")
	}
	if !strings.Contains(ansi.Strip(m.View()), "read-only") {
		t.Fatal("read-only not explained")
	}
}

func TestBusyErrorInPlainWords(t *testing.T) {
	m := shown(t, "Active")
	m.Update(press('y', "y"))
	busy := &api.Error{StatusCode: 400, Code: "ActiveRequestAlreadyExists", Method: "POST", Path: "/api/machines/x/runliveresponse"}
	m.Update(common.SubmittedMsg{Err: busy})
	v := ansi.Strip(m.View())
	if m.Submitting() || !strings.Contains(v, "win-offline-07 already runs a live response action — wait for it or cancel it (2 → actions)") {
		t.Fatalf("busy error not shown:\n%s", v)
	}
	m.Update(common.SubmittedMsg{Err: errors.New("late")}) // not submitting: ignored
	if strings.Contains(ansi.Strip(m.View()), "late") {
		t.Fatal("stray SubmittedMsg changed the screen")
	}
}

func TestGoldenConfirmInactive(t *testing.T) {
	m := shown(t, "Inactive")
	golden.RequireEqual(t, []byte(ansi.Strip(m.View())))
}

func TestGoldenConfirmError(t *testing.T) {
	m := shown(t, "Active")
	m.Update(press('y', "y"))
	m.Update(common.SubmittedMsg{Err: &api.Error{StatusCode: 503, Method: "POST", Path: "/api/machines/x/runliveresponse"}})
	golden.RequireEqual(t, []byte(ansi.Strip(m.View())))
}

// TestManyCommandsKeepTheAnswerLineAt80x24: a long plan is summarised so
// the y/N line stays on screen; a short one is listed in full.
func TestManyCommandsKeepTheAnswerLineAt80x24(t *testing.T) {
	for _, tc := range []struct {
		health  string
		n       int
		summary string
	}{{"Active", 14, "… and "}, {"Inactive", 14, "… and "}, {"Active", 5, ""}} {
		m := New(newCommon())
		m.SetSize(80, 21) // the body of an 80x24 window
		p := testPlan(tc.health)
		p.Commands = nil
		for i := range tc.n {
			p.Commands = append(p.Commands, state.PlanCommand{Type: api.CommandGetFile, Path: `C:\Temp\f` + strings.Repeat("x", i) + ".log"})
		}
		m.Update(common.NavigateMsg{To: common.ConfirmScreen, Plan: &p})
		view := ansi.Strip(m.View())
		if got := strings.Count(view, "\n") + 1; got != 21 {
			t.Fatalf("view has %d lines", got)
		}
		if !strings.Contains(view, "y send") || !strings.Contains(view, "(default: no)") {
			t.Fatalf("%s/%d: the answer line is cut off:\n%s", tc.health, tc.n, view)
		}
		if tc.summary == "" {
			if strings.Contains(view, "… and ") || !strings.Contains(view, `C:\Temp\fxxxx.log`) {
				t.Fatalf("a short plan is not listed in full:\n%s", view)
			}
			continue
		}
		listed := strings.Count(view, `C:\Temp\f`)
		want := fmt.Sprintf("… and %d more", tc.n-listed)
		if listed == 0 || !strings.Contains(view, want) {
			t.Fatalf("%s: %d listed, want %q:\n%s", tc.health, listed, want, view)
		}
	}
}

// TestOfflineNoteUsesTheSessionQueueWindow: a demo tenant at 10x speed times
// out after 12 minutes, and the note must say so rather than the real 2h.
func TestOfflineNoteUsesTheSessionQueueWindow(t *testing.T) {
	c := newCommon()
	c.QueueWindow = 12 * time.Minute
	m := New(c)
	m.SetSize(100, 30)
	p := testPlan("Inactive")
	m.Update(common.NavigateMsg{To: common.ConfirmScreen, Plan: &p})
	if v := m.View(); !strings.Contains(v, "up to 12m, then time out") {
		t.Fatalf("confirm does not use the session's queue window:\n%s", v)
	}
}
