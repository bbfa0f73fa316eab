package progress

import (
	"context"
	"errors"
	"strings"
	"sync"
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

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

type fakeEngine struct {
	common.Engine
	mu       sync.Mutex
	views    map[string]state.ActionView
	tracked  []string
	cancels  []string
	cancelEr error
}

func (f *fakeEngine) Action(id string) (state.ActionView, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.views[id]
	return v, ok
}

func (f *fakeEngine) Track(_ context.Context, id string) (state.ActionView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tracked = append(f.tracked, id)
	if id == "missing" {
		return state.ActionView{}, errors.New("no such action")
	}
	v := running()
	v.ActionID = id
	return v, nil
}

func (f *fakeEngine) Cancel(_ context.Context, id, comment string) (state.ActionView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cancels = append(f.cancels, id+": "+comment)
	if f.cancelEr != nil {
		return state.ActionView{}, f.cancelEr
	}
	v := cancelled()
	return v, nil
}

func tp(d time.Duration) *time.Time { t := t0.Add(d); return &t }

func base(status string) state.ActionView {
	return state.ActionView{
		ActionID: "a1b2c3d4-0000-4000-8000-00000000beef", DeviceID: "dev1", DeviceName: "win-analyst-01.contoso.local",
		Status: status, Requestor: "analyst@contoso.com", Comment: "IR-2231 triage", Created: t0, Updated: t0.Add(70 * time.Second),
	}
}

func running() state.ActionView {
	v := base(api.StatusInProgress)
	v.Commands = []state.CommandView{
		{Index: 0, Type: api.CommandPutFile, Target: "winpmem.exe", State: state.CmdCompleted, Started: tp(5 * time.Second), Ended: tp(9 * time.Second)},
		{Index: 1, Type: api.CommandRunScript, Target: `collect-triage.ps1 -OutPath C:\Temp\t.zip`, State: state.CmdRunning, Started: tp(10 * time.Second)},
		{Index: 2, Type: api.CommandGetFile, Target: `C:\Temp\t.zip`, State: state.CmdWaiting},
	}
	return v
}

func failed() state.ActionView {
	v := base(api.StatusFailed)
	v.Done = true
	v.Commands = []state.CommandView{
		{Index: 0, Type: api.CommandRunScript, Target: "broken-check.ps1", State: state.CmdFailed, Started: tp(5 * time.Second), Ended: tp(8 * time.Second),
			Errors: []string{"Script execution failed: exit code 1 \x1b[2J"}},
		{Index: 1, Type: api.CommandGetFile, Target: `C:\Temp\out.txt`, State: state.CmdNotRun},
	}
	return v
}

func cancelled() state.ActionView {
	v := running()
	v.Status = api.StatusCancelled
	v.Explain = "cancelled by analyst@contoso.com: wrong device"
	v.Commands[1].State = state.CmdNotRun
	v.Commands[2].State = state.CmdNotRun
	v.Done = true
	return v
}

func queued() state.ActionView {
	v := base(api.StatusPending)
	v.DeviceName = "win-offline-07.contoso.local"
	v.Explain = "queued: the device is Inactive; the action times out at 14:00 UTC if it does not come online"
	v.Commands = []state.CommandView{{Index: 0, Type: api.CommandRunScript, Target: "Get-ProcessList.ps1", State: state.CmdWaiting}}
	return v
}

func setup(t *testing.T, v state.ActionView) (*Model, *fakeEngine) {
	t.Helper()
	km := keymap.Default()
	eng := &fakeEngine{views: map[string]state.ActionView{v.ActionID: v}}
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(true), Keys: &km, Engine: eng,
		Now: func() time.Time { return t0.Add(83 * time.Second) }}
	m := New(c)
	m.FreezeSpinner()
	m.SetSize(100, 30)
	m.Update(common.NavigateMsg{To: common.ProgressScreen, ActionID: v.ActionID})
	m.Update(common.PolledMsg{Result: state.PollResult{Next: 4 * time.Second, Budget: api.Budget{MinuteRemaining: 97, HourRemaining: 1480}}})
	return m, eng
}

func press(code rune, text string) tea.KeyPressMsg { return tea.KeyPressMsg{Code: code, Text: text} }

func strip(m *Model) string { return ansi.Strip(m.View()) }

func TestShowsActionCommandsCountdownAndBudget(t *testing.T) {
	m, _ := setup(t, running())
	v := strip(m)
	for _, want := range []string{"a1b2c3d4-0000-4000-8000-00000000beef", "win-analyst-01.contoso.local", "InProgress",
		"analyst@contoso.com", "elapsed 1m 23s", "- running", "completed", "waiting", "next check in 4s", "API budget 97/min · 1480/h left"} {
		if !strings.Contains(v, want) {
			t.Errorf("missing %q in\n%s", want, v)
		}
	}
}

func TestFailedCommandShowsInertErrorAndNotRun(t *testing.T) {
	m, _ := setup(t, failed())
	v := strip(m)
	if !strings.Contains(v, "exit code 1 ^[[2J") || !strings.Contains(v, "not run") || strings.Contains(v, "\x1b") {
		t.Fatalf("failed view:\n%q", v)
	}
}

func TestUnknownActionIsTrackedThenPollingRestarts(t *testing.T) {
	km := keymap.Default()
	eng := &fakeEngine{views: map[string]state.ActionView{}}
	m := New(&common.Common{Ctx: context.Background(), Styles: styles.New(true), Keys: &km, Engine: eng, Now: func() time.Time { return t0 }})
	m.FreezeSpinner()
	m.SetSize(100, 30)
	cmd := m.Update(common.NavigateMsg{To: common.ProgressScreen, ActionID: "other"})
	if cmd == nil {
		t.Fatal("no Track command")
	}
	out := m.Update(cmd())
	if len(eng.tracked) != 1 || !m.haveIt {
		t.Fatalf("tracked=%v haveIt=%v", eng.tracked, m.haveIt)
	}
	if _, ok := out().(common.PollMsg); !ok {
		t.Fatal("tracking did not ask the root to poll")
	}
	m.Update(m.Update(common.NavigateMsg{To: common.ProgressScreen, ActionID: "missing"})())
	if !strings.Contains(strip(m), "could not open action missing: no such action") {
		t.Fatalf("error not shown:\n%s", strip(m))
	}
}

func TestCancelAsksCommentThenConfirms(t *testing.T) {
	m, eng := setup(t, running())
	m.Update(press('c', "c"))
	if !m.Capturing() {
		t.Fatal("c did not open the comment prompt")
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyEnter}) // empty comment: refused
	if m.phase != cancelComment {
		t.Fatal("empty comment accepted")
	}
	for _, r := range "wrong device" {
		m.Update(press(r, string(r)))
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if m.phase != cancelConfirm || !strings.Contains(strip(m), "Cancel action a1b2c3d4-0000-4000-8000-00000000beef on win-analyst-01.contoso.local?") {
		t.Fatalf("no y/N question:\n%s", strip(m))
	}
	if m.Update(press('n', "n")) != nil || m.phase != cancelNone || len(eng.cancels) != 0 {
		t.Fatal("n should keep the action running")
	}
	m.Update(press('c', "c"))
	for _, r := range "wrong device" {
		m.Update(press(r, string(r)))
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	cmd := m.Update(press('y', "y"))
	msg := cmd()
	if got := eng.cancels; len(got) != 1 || got[0] != "a1b2c3d4-0000-4000-8000-00000000beef: wrong device" {
		t.Fatalf("cancels = %v", got)
	}
	m.Update(msg)
	if m.view.Status != api.StatusCancelled || m.phase != cancelNone {
		t.Fatalf("status %s phase %d", m.view.Status, m.phase)
	}
}

func TestCancelErrorAndReadOnly(t *testing.T) {
	m, eng := setup(t, running())
	eng.cancelEr = errors.New("denied")
	m.Update(press('c', "c"))
	m.Update(press('x', "x"))
	m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	m.Update(m.Update(press('y', "y"))())
	if !strings.Contains(strip(m), "cancel: denied") {
		t.Fatalf("cancel error not shown:\n%s", strip(m))
	}
	m.c.ReadOnly = true
	m.Update(press('c', "c"))
	if m.Capturing() || !strings.Contains(strip(m), "read-only") {
		t.Fatal("read-only console opened the cancel dialogue")
	}
}

func TestEnterOpensOnlyCompletedResults(t *testing.T) {
	m, _ := setup(t, running())
	if cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); cmd != nil {
		t.Fatal("PutFile row opened a result")
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	if cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); cmd != nil {
		t.Fatal("running row opened a result")
	}
	v := running()
	v.Commands[1].State = state.CmdCompleted
	m.Update(common.PolledMsg{Result: state.PollResult{Changed: []state.ActionView{v}, Next: time.Second}})
	nav, ok := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})().(common.NavigateMsg)
	if !ok || nav.To != common.ResultsScreen || nav.CommandIndex != 1 || nav.ActionID != v.ActionID {
		t.Fatalf("got %#v", nav)
	}
}

func TestTickLoopArmsOnceAndStopsWhenDone(t *testing.T) {
	m, _ := setup(t, running())
	m.frozen = false
	first := m.startTicking()
	if first == nil || m.startTicking() != nil {
		t.Fatal("tick loop must arm exactly once")
	}
	m.Update(common.PolledMsg{}) // a poll while a tick is pending adds none
	if m.Update(tickMsg{seq: m.tickSeq - 1}) != nil {
		t.Fatal("stale tick re-armed")
	}
	if m.Update(tickMsg{seq: m.tickSeq}) == nil || m.frame != 1 {
		t.Fatal("tick did not advance and re-arm")
	}
	m.ticking = false
	m.setView(failed())
	if m.startTicking() != nil {
		t.Fatal("ticking while the action is done")
	}
}

func TestGoldenProgressRunning(t *testing.T) {
	m, _ := setup(t, running())
	golden.RequireEqual(t, []byte(strip(m)))
}

func TestGoldenProgressFailed(t *testing.T) {
	m, _ := setup(t, failed())
	golden.RequireEqual(t, []byte(strip(m)))
}

func TestGoldenProgressCancelled(t *testing.T) {
	m, _ := setup(t, cancelled())
	golden.RequireEqual(t, []byte(strip(m)))
}

func TestGoldenProgressQueued(t *testing.T) {
	m, _ := setup(t, queued())
	golden.RequireEqual(t, []byte(strip(m)))
}

// TestHeaderNeverCutsAValueAt80: at 80 columns the header fields flow over
// more lines; every value, the full action id included, is whole.
func TestHeaderNeverCutsAValueAt80(t *testing.T) {
	for _, w := range []int{80, 60, 100, 200} {
		v := running()
		v.Requestor = "81957979-7999-4c8d-b0b0-46d9031e7011"
		m, _ := setup(t, v)
		m.SetSize(w, 24)
		view := strip(m)
		for _, want := range []string{"Action " + v.ActionID, "device win-analyst-01.contoso.local", "Status InProgress",
			"requested by app 81957979 ", "app id " + v.Requestor, "created 12:00:00", "elapsed 1m 23s", "API budget 97/min · 1480/h left"} {
			if !strings.Contains(view, want) {
				t.Fatalf("width %d: %q is missing or cut:\n%s", w, want, view)
			}
		}
		if head, _, _ := strings.Cut(view, "Comment"); strings.Contains(head, "…") {
			t.Fatalf("width %d: the header was truncated:\n%s", w, view)
		}
		m.Update(press(tea.KeyDown, ""))
		if w == 80 && !strings.Contains(strip(m), `#2 RunScript collect-triage.ps1 -OutPath C:\Temp\t.zip`) {
			t.Fatalf("the selected command is not spelled out:\n%s", view)
		}
	}
}

// TestCancelHelpOnlyWhileRunning: the help bar offers cancel only for an
// action that can still be cancelled.
func TestCancelHelpOnlyWhileRunning(t *testing.T) {
	offers := func(m *Model) bool {
		for _, b := range m.ShortHelp() {
			if b.Help().Desc == m.c.Keys.Progress.Cancel.Help().Desc {
				return true
			}
		}
		return false
	}
	if m, _ := setup(t, running()); !offers(m) {
		t.Fatal("a running action does not offer cancel")
	}
	if m, _ := setup(t, failed()); offers(m) {
		t.Fatal("a finished action offers cancel")
	}
}

// TestSavedPathIsWrappedNotCut: the local path of a collected file is
// shown whole at 80 columns.
func TestSavedPathIsWrappedNotCut(t *testing.T) {
	v := running()
	path := "/home/analyst/.local/share/mdlr/downloads/a1b2c3d4-0000-4000-8000-00000000beef/triage-package.zip"
	v.Commands[0].File = &api.SavedFile{Path: path, Bytes: 7703}
	m, _ := setup(t, v)
	m.SetSize(80, 24)
	joined := strings.ReplaceAll(strings.ReplaceAll(strip(m), " ", ""), "\n", "")
	if !strings.Contains(joined, "saved"+path+"(7703bytes)") {
		t.Fatalf("saved path cut:\n%s", strip(m))
	}
}
