package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/common"
)

func runningView(id string) state.ActionView {
	return state.ActionView{ActionID: id, DeviceID: "d-" + id, DeviceName: "win-" + id, Status: api.StatusInProgress,
		Commands: []state.CommandView{{Type: api.CommandRunScript, Target: "x.ps1", State: state.CmdRunning}}}
}

func screen(h *harness) string { return ansi.Strip(h.m.View().Content) }

func TestNavigationStackAndGlobalKeys(t *testing.T) {
	h := newHarness()
	h.run(h.m.Init())
	p := state.Plan{Device: state.Device{Name: "win-analyst-01", HealthStatus: "Active"}, Comment: "c"}
	h.send(common.NavigateMsg{To: common.ConfirmScreen, Plan: &p})
	if h.m.ActiveScreen() != common.ConfirmScreen {
		t.Fatalf("active = %v", h.m.ActiveScreen())
	}
	h.send(tea.KeyPressMsg{Code: tea.KeyEscape})
	if h.m.ActiveScreen() != common.DevicesScreen || len(h.m.stack) != 1 {
		t.Fatalf("esc did not go back: %v", h.m.stack)
	}
	h.press('2', "2")
	if h.m.ActiveScreen() != common.ActionsScreen {
		t.Fatal("2 did not open actions")
	}
	h.press('1', "1")
	if h.m.ActiveScreen() != common.DevicesScreen || len(h.m.stack) != 1 {
		t.Fatalf("1 did not return to devices: %v", h.m.stack)
	}
	h.press('?', "?")
	if !strings.Contains(screen(h), "Everywhere") {
		t.Fatal("? did not open the full help")
	}
	h.send(tea.KeyPressMsg{Code: tea.KeyEscape})
	if strings.Contains(screen(h), "Everywhere") {
		t.Fatal("esc did not close the help")
	}
}

func TestGlobalKeysAreTextWhileFiltering(t *testing.T) {
	h := newHarness()
	h.run(h.m.Init())
	h.press('/', "/")
	for _, r := range "q?12" {
		h.press(r, string(r))
	}
	if h.quit || h.m.showHelp || h.m.ActiveScreen() != common.DevicesScreen {
		t.Fatalf("a global key was stolen: quit=%v help=%v screen=%v", h.quit, h.m.showHelp, h.m.ActiveScreen())
	}
	if !strings.Contains(screen(h), "/q?12") {
		t.Fatalf("typed text not in the filter:\n%s", screen(h))
	}
	h.send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if !h.quit {
		t.Fatal("ctrl+c must quit even while typing")
	}
}

func TestQuitAsksWhileActionsRun(t *testing.T) {
	h := newHarness(runningView("a1"), runningView("a2"))
	h.press('q', "q")
	if h.quit {
		t.Fatal("quit without asking while actions run")
	}
	want := "2 actions still running — they keep running on the devices and mdlr reattaches next start. Quit? y/N"
	if h.m.quitQuestion() != want || !strings.Contains(screen(h), "2 actions still running") || !strings.Contains(screen(h), "Quit? y/N") {
		t.Fatalf("question missing:\n%s", screen(h))
	}
	h.press('n', "n")
	if h.quit || h.m.askQuit {
		t.Fatal("n should keep the console open")
	}
	h.press('q', "q")
	h.press('y', "y")
	if !h.quit {
		t.Fatal("y did not quit")
	}
	idle := newHarness()
	idle.press('q', "q")
	if !idle.quit {
		t.Fatal("idle console should quit at once")
	}
}

func TestPollLoopRearmsExactlyOnce(t *testing.T) {
	h := newHarness(runningView("a1"))
	h.run(h.m.Init()) // reattached action: polling starts in Init
	if h.eng.polls != 1 {
		t.Fatalf("polls after Init = %d", h.eng.polls)
	}
	ticks := h.pollTicks()
	if len(ticks) != 1 || ticks[0].Gen != h.m.pollGen {
		t.Fatalf("ticks = %v, gen %d", ticks, h.m.pollGen)
	}
	// A screen asks for polling again (gen 0): a new generation replaces the old.
	h.ticks = nil
	h.send(common.PollMsg{})
	if h.eng.polls != 2 || len(h.pollTicks()) != 1 {
		t.Fatalf("restart: polls=%d ticks=%v", h.eng.polls, h.pollTicks())
	}
	// The old loop's tick fires late: ignored, no second loop.
	h.ticks = nil
	h.send(ticks[0])
	if h.eng.polls != 2 || len(h.pollTicks()) != 0 {
		t.Fatalf("stale tick polled: polls=%d ticks=%v", h.eng.polls, h.pollTicks())
	}
	// The current tick polls and re-arms once.
	h.send(common.PollMsg{Gen: h.m.pollGen})
	if h.eng.polls != 3 || len(h.pollTicks()) != 1 || h.pollTicks()[0].Gen != h.m.pollGen {
		t.Fatalf("current tick: polls=%d ticks=%v", h.eng.polls, h.pollTicks())
	}
	// The action ends: bell, status, and the loop stops.
	h.eng.setStatus("a1", api.StatusSucceeded, true)
	h.ticks = nil
	h.send(common.PollMsg{Gen: h.m.pollGen})
	if len(h.pollTicks()) != 0 || h.m.polling {
		t.Fatalf("loop kept running after the last action ended: %v", h.pollTicks())
	}
	if len(h.raw) != 1 || h.raw[0] != "\a" || !strings.Contains(screen(h), "win-a1: action Succeeded") {
		t.Fatalf("no bell/status: raw=%q\n%s", h.raw, screen(h))
	}
}

func TestSubmitFlowNavigatesToProgress(t *testing.T) {
	h := newHarness()
	h.run(h.m.Init())
	p := state.Plan{Device: state.Device{ID: "d1", Name: "win-analyst-01", HealthStatus: "Active"},
		Commands: []state.PlanCommand{{Type: api.CommandRunScript, Name: "x.ps1"}}, Comment: "c"}
	h.send(common.NavigateMsg{To: common.ComposeScreen})
	h.send(common.NavigateMsg{To: common.ConfirmScreen, Plan: &p})
	h.press('y', "y")
	if len(h.eng.submitted) != 1 {
		t.Fatalf("submitted %d", len(h.eng.submitted))
	}
	if h.m.ActiveScreen() != common.ProgressScreen || len(h.m.stack) != 2 {
		t.Fatalf("after submit: %v", h.m.stack)
	}
	if !strings.Contains(screen(h), "act-new") || h.eng.polls == 0 || !h.m.polling {
		t.Fatalf("progress not shown or not polling (polls=%d):\n%s", h.eng.polls, screen(h))
	}
	if v := h.m.View(); v.ProgressBar == nil || !strings.Contains(v.WindowTitle, "mdlr — Progress — win-analyst-01") {
		t.Fatalf("view: bar=%v title=%q", v.ProgressBar, v.WindowTitle)
	}
}

func TestErrorBarSaysWhatToDoAndExpires(t *testing.T) {
	h := newHarness()
	h.send(common.ErrMsg{Op: "listing devices", Err: &api.Error{StatusCode: 429, RetryAfter: 30 * time.Second}})
	if !strings.Contains(screen(h), "listing devices: Defender is throttling requests: retry in 30s") {
		t.Fatalf("status bar:\n%s", screen(h))
	}
	var expire tea.Msg
	for _, s := range h.ticks {
		if _, ok := s.msg.(statusExpiredMsg); ok && s.d == errorTTL {
			expire = s.msg
		}
	}
	if expire == nil {
		t.Fatal("no expiry scheduled")
	}
	h.send(common.InfoMsg{Text: "newer"})
	h.send(expire) // an old expiry does not clear a newer message
	if !strings.Contains(screen(h), "newer") {
		t.Fatal("old expiry cleared a newer message")
	}
	h.send(h.ticks[len(h.ticks)-1].msg)
	if strings.Contains(screen(h), "newer") {
		t.Fatal("message did not expire")
	}
}

func TestSubmitErrorStaysOnConfirm(t *testing.T) {
	h := newHarness()
	h.eng.submitErr = errors.New("nope")
	p := state.Plan{Device: state.Device{ID: "d1", Name: "win-analyst-01", HealthStatus: "Active"}, Comment: "c"}
	h.send(common.NavigateMsg{To: common.ConfirmScreen, Plan: &p})
	h.press('y', "y")
	if h.m.ActiveScreen() != common.ConfirmScreen || !strings.Contains(screen(h), "could not submit to win-analyst-01: nope") {
		t.Fatalf("submit error:\n%s", screen(h))
	}
}

func TestChromeFillsWindowAndShowsBadges(t *testing.T) {
	h := newHarness()
	h.run(h.m.Init())
	h.m.c.ReadOnly = true
	for _, sz := range [][2]int{{80, 24}, {100, 30}, {250, 70}} {
		h.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		lines := strings.Split(h.m.View().Content, "\n")
		if len(lines) != sz[1] {
			t.Fatalf("%v: %d lines", sz, len(lines))
		}
		for i, l := range lines {
			if ansi.StringWidth(l) != sz[0] {
				t.Fatalf("%v: line %d width %d", sz, i, ansi.StringWidth(l))
			}
		}
	}
	s := screen(h)
	for _, want := range []string{"mdlr › Devices", "DEMO", "READ-ONLY", "API 99 min · 1499 h left", "enter select"} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q", want)
		}
	}
	if v := h.m.View(); !v.AltScreen || v.ProgressBar != nil {
		t.Fatalf("alt=%v bar=%v", v.AltScreen, v.ProgressBar)
	}
}

func TestGoldenRootDevices(t *testing.T) {
	h := newHarness(runningView("a1"))
	h.run(h.m.Init())
	h.send(common.InfoMsg{Text: "win-offline-07 is Inactive: the action will queue for up to 2h"})
	golden.RequireEqual(t, []byte(screen(h)))
}

func TestGoldenRootHelp(t *testing.T) {
	h := newHarness()
	h.run(h.m.Init())
	h.press('?', "?")
	golden.RequireEqual(t, []byte(screen(h)))
}
