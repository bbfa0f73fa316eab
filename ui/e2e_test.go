package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/common"
)

// These tests drive the whole console with key presses only, on the
// simulated tenant over loopback HTTP, with one fake clock shared by the
// tenant, the client, the engine and the console's timers.

func skipShort(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
}

// composeScript filters the library, adds a RunScript with args and
// returns to browsing.
func (d *driver) composeScript(script, args string) {
	d.t.Helper()
	d.wait("Compose for ")
	d.typeText("/" + strings.TrimSuffix(script, ".ps1"))
	d.press(tea.KeyEnter)
	d.wait("│>" + script)
	d.typeText("r")
	d.wait("Args for " + script)
	d.typeText(args)
	d.press(tea.KeyEnter)
	d.wait("RunScript " + script)
}

func (d *driver) composeGetFile(path string) {
	d.t.Helper()
	d.wait("Compose for ")
	d.typeText("f")
	d.wait("GetFile path:")
	d.typeText(path)
	d.press(tea.KeyEnter)
	d.wait("GetFile   " + path)
}

// commentReviewSend writes the comment, reviews and confirms.
func (d *driver) commentReviewSend(comment string, mustShow ...string) {
	d.t.Helper()
	d.typeText("c")
	d.typeText(comment)
	d.press(tea.KeyEnter)
	d.wait("Comment: " + comment)
	d.ctrl('g')
	d.wait(append([]string{"Send this live response action?", comment}, mustShow...)...)
	d.typeText("y")
	d.wait("mdlr › Progress")
}

// onlyAction returns the engine's single tracked action.
func onlyAction(t *testing.T, eng *state.Engine) state.ActionView {
	t.Helper()
	vs := eng.Actions()
	if len(vs) != 1 {
		t.Fatalf("engine tracks %d actions, want 1", len(vs))
	}
	return vs[0]
}

// TestE2ERunScriptAndGetFile is the main journey: find a device by typing
// part of its name, compose RunScript (with args) + GetFile, confirm, watch
// both complete, read the script output and check the saved file.
func TestE2ERunScriptAndGetFile(t *testing.T) {
	skipShort(t)
	s := newSimStack(t)
	m, eng := s.console(t)
	d := s.start(t, m)

	d.openDevice("analyst-01", "win-analyst-01.contoso.local")
	d.wait("Compose for win-analyst-01.contoso.local")
	before := s.sim.LiveResponseActionCount()
	d.composeScript("collect-triage.ps1", `-OutPath C:\Temp\triage.zip -Days 2`)
	d.composeGetFile(`C:\Temp\triage.zip`)
	if n := s.sim.LiveResponseActionCount(); n != before {
		t.Fatalf("composing sent something: %d actions, were %d", n, before)
	}
	d.commentReviewSend("IR-1234 e2e", `collect-triage.ps1 -OutPath C:\Temp\triage.zip -Days 2`)

	d.run(time.Second, "finished · results in")
	v := onlyAction(t, eng)
	if v.Status != api.StatusSucceeded || len(v.Commands) != 2 ||
		v.Commands[0].State != state.CmdCompleted || v.Commands[1].State != state.CmdCompleted {
		t.Fatalf("action %+v", v)
	}
	if got := strings.Count(d.scr.Text(), "completed"); got < 2 {
		t.Fatalf("progress shows %d completed commands:\n%s", got, d.scr.Text())
	}

	// The RunScript result (cursor is on command 1).
	d.press(tea.KeyEnter)
	d.wait("mdlr › Results", "exit code 0", "Collecting artefacts from the last 2 days")

	// The GetFile result is on disk, under the action's folder, and its
	// sha256 is the one the journal recorded.
	f := v.Commands[1].File
	if f == nil || filepath.Dir(f.Path) != filepath.Join(s.out, v.ActionID) {
		t.Fatalf("saved file %+v, want it under %s", f, filepath.Join(s.out, v.ActionID))
	}
	sum := sha256.Sum256(fileExists(t, f.Path))
	if rec := journalFile(t, s, v.ActionID, 1); hex.EncodeToString(sum[:]) != rec.SHA256 || rec.Path != f.Path {
		t.Fatalf("file sha256 %x, journal records %+v", sum, rec)
	}

	fm := d.quit(false)
	if fm.ActiveScreen() != common.ResultsScreen {
		t.Fatalf("final screen %v", fm.ActiveScreen())
	}
	if n := s.sim.LiveResponseActionCount(); n != before+1 {
		t.Fatalf("tenant has %d live response actions, want exactly one new (were %d)", n, before)
	}
}

// journalFile reads the journal's record of a GetFile result.
func journalFile(t *testing.T, s *simStack, actionID string, index int) api.SavedFile {
	t.Helper()
	j, err := state.OpenJournal(s.journal)
	if err != nil {
		t.Fatal(err)
	}
	entries, errs := j.List()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, e := range entries {
		if e.ActionID != actionID {
			continue
		}
		if r, ok := e.Result(index); ok && r.File != nil {
			return *r.File
		}
	}
	t.Fatalf("journal has no file for %s #%d", actionID, index)
	return api.SavedFile{}
}

// TestE2EFailingScriptStopsTheRest: a failing RunScript marks the action
// Failed and the GetFile after it "not run".
func TestE2EFailingScriptStopsTheRest(t *testing.T) {
	skipShort(t)
	s := newSimStack(t)
	m, eng := s.console(t)
	d := s.start(t, m)

	d.openDevice("analyst-01", "win-analyst-01.contoso.local")
	d.composeScript("broken-check.ps1", "")
	d.composeGetFile(`C:\Temp\never.txt`)
	d.commentReviewSend("IR-1 failing")

	d.run(time.Second, "finished", "failed", "not run: an earlier command failed")
	v := onlyAction(t, eng)
	if v.Status != api.StatusFailed || v.Commands[0].State != state.CmdFailed || v.Commands[1].State != state.CmdNotRun {
		t.Fatalf("action %+v", v)
	}
	if v.Commands[1].File != nil {
		t.Fatalf("a command that did not run saved a file: %+v", v.Commands[1].File)
	}
	d.wait("Status Failed")
	d.quit(false)
}

// TestE2ECancelRunningAction cancels a slow script with a comment and a y.
func TestE2ECancelRunningAction(t *testing.T) {
	skipShort(t)
	s := newSimStack(t)
	m, eng := s.console(t)
	d := s.start(t, m)

	d.openDevice("analyst-01", "win-analyst-01.contoso.local")
	d.composeScript("slow-scan.ps1", "")
	d.commentReviewSend("IR-2 sweep")
	d.run(time.Second, "- running")

	d.typeText("c")
	d.wait("why?")
	d.typeText("wrong device")
	d.press(tea.KeyEnter)
	d.wait("cancel it")
	if v := onlyAction(t, eng); v.Status == api.StatusCancelled {
		t.Fatal("cancelled before y")
	}
	d.typeText("y")
	d.run(time.Second, "Status Cancelled", "finished")
	if v := onlyAction(t, eng); v.Status != api.StatusCancelled {
		t.Fatalf("status %s", v.Status)
	}
	d.quit(false)
}

// TestE2EBusyDeviceOffersItsAction: choosing a device that already runs an
// action says so; enter composes anyway (with a warning), y opens that
// action; nothing is submitted.
func TestE2EBusyDeviceOffersItsAction(t *testing.T) {
	skipShort(t)
	s := newSimStack(t)
	m, _ := s.console(t)
	d := s.start(t, m)
	before := s.sim.LiveResponseActionCount()

	d.openDevice("busy-03", "win-busy-03.contoso.local")
	d.wait("already runs live response action", "Open it?", "enter compose anyway")
	d.press(tea.KeyEnter) // compose anyway: Compose warns
	d.wait("Compose for win-busy-03.contoso.local", "Busy: the device already runs live response action")
	d.press(tea.KeyEscape)
	d.wait("filter: busy-03")
	d.press(tea.KeyEnter)
	d.wait("Open it?")
	d.typeText("y")
	d.wait("mdlr › Progress", "win-busy-03.contoso.local", "InProgress")
	fm := d.quit(true) // the reopened action is tracked now: quitting asks
	if fm.ActiveScreen() != common.ProgressScreen {
		t.Fatalf("final screen %v", fm.ActiveScreen())
	}
	if n := s.sim.LiveResponseActionCount(); n != before {
		t.Fatalf("opening the busy device's action submitted one: %d actions, were %d", n, before)
	}
}

// TestE2EOfflineDeviceQueues: an Inactive device gets the queue note on
// compose and confirm, and its action stays Pending while the clock runs.
func TestE2EOfflineDeviceQueues(t *testing.T) {
	skipShort(t)
	s := newSimStack(t)
	m, eng := s.console(t)
	d := s.start(t, m)

	d.openDevice("offline-07", "win-offline-07.contoso.local")
	d.wait("Compose for win-offline-07.contoso.local", "the action will queue")
	d.composeGetFile(`C:\Windows\Temp\x.log`)
	d.commentReviewSend("IR-3 offline", "wait in the queue for up to 2h")
	d.wait("Pending", "stays queued for up to 2h")
	d.run(10*time.Second, "elapsed 10m")
	d.wait("Pending")
	if v := onlyAction(t, eng); v.Status != api.StatusPending || v.Done {
		t.Fatalf("offline action %s done=%v", v.Status, v.Done)
	}
	d.quit(true)
}

// TestE2EHostileTagsAreInert: the detail pane of a device whose group and
// tags carry escape sequences shows them as text; none reach the terminal.
func TestE2EHostileTagsAreInert(t *testing.T) {
	skipShort(t)
	s := newSimStack(t)
	m, _ := s.console(t)
	d := s.start(t, m)

	d.wait("of 60 devices")
	d.typeText("/hostile")
	d.press(tea.KeyEnter)
	d.wait("filter: hostile", "win-hostile-66.contoso.local")
	d.typeText("d")
	d.wait("│win-hostile-66.contoso.local", "^[]0;pwned^G", "^[[2J", "red^[[31mtag", "<U+202E>evil-tag", "^[[5mBlinking-Group")
	d.quit(false)
	for _, bad := range []string{"\x1b]0;pwned", "\x1b[5m", "\x1b[31mtag", "\u202e", "pwned\x07"} {
		if strings.Contains(d.raw.String(), bad) {
			t.Errorf("the output stream contains %q from the device", bad)
		}
	}
	// Every OSC string in the stream is the console's own: the window title
	// (set, or cleared on exit) or the background-colour query.
	for _, osc := range oscStrings(d.raw.Bytes()) {
		own := strings.HasPrefix(osc, "\x1b]2;mdlr") || osc == "\x1b]2;\a" || strings.HasPrefix(osc, "\x1b]11;?")
		if strings.Contains(osc, "pwned") || !own {
			t.Errorf("unexpected OSC in the output stream: %q", osc)
		}
	}
}

// oscStrings lists the OSC sequences in a byte stream.
func oscStrings(b []byte) []string {
	var out []string
	var st byte
	p := ansi.NewParser()
	for len(b) > 0 {
		seq, _, n, next := ansi.DecodeSequence(b, st, p)
		if n == 0 {
			break
		}
		st, b = next, b[n:]
		if next == ansi.NormalState && ansi.HasOscPrefix(seq) {
			out = append(out, string(seq))
		}
	}
	return out
}

// TestE2ERestartReattaches: quitting while an action runs and starting a
// new console on the same journal picks the action up, without sending it
// again, and follows it to the end.
func TestE2ERestartReattaches(t *testing.T) {
	skipShort(t)
	s := newSimStack(t)
	m, _ := s.console(t)
	d := s.start(t, m)
	d.openDevice("analyst-01", "win-analyst-01.contoso.local")
	d.composeScript("Get-ProcessList.ps1", "")
	d.composeGetFile(`C:\Windows\Temp\ps.csv`)
	d.commentReviewSend("IR-4 restart")
	d.run(time.Second, "- running")
	d.quit(true)
	sent := s.sim.LiveResponseActionCount()

	m2, eng2 := s.console(t)
	d2 := s.start(t, m2)
	d2.wait("of 60 devices", "1 action running")
	d2.typeText("2")
	d2.wait("mdlr › Actions", "IR-4")
	d2.run(time.Second, "Succeeded")
	d2.press(tea.KeyEnter)
	d2.wait("mdlr › Progress", "finished", "IR-4 restart")
	v := onlyAction(t, eng2)
	if v.Status != api.StatusSucceeded || v.Commands[1].File == nil {
		t.Fatalf("reattached action %+v", v)
	}
	fileExists(t, v.Commands[1].File.Path)
	if n := s.sim.LiveResponseActionCount(); n != sent {
		t.Fatalf("restart resubmitted: %d actions, was %d", n, sent)
	}
	d2.quit(false)
}
