package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"mdlr/api"
	"mdlr/api/mdesim"
	"mdlr/state"
)

// proc is an mdlr subprocess whose stdout lines can be waited for.
type proc struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	lines  []string
	stderr bytes.Buffer
	more   chan struct{} // signalled on every new line
	exited chan struct{} // closed when the process has exited
	err    error         // cmd.Wait's result, once exited
}

// startMdlr runs mdlr with the harness's environment plus extra.
func startMdlr(t *testing.T, h *harness, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...), more: make(chan struct{}, 1), exited: make(chan struct{})}
	for k, v := range h.env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Env = append(p.cmd.Env, "PATH="+os.Getenv("PATH"), "HOME="+t.TempDir())
	p.cmd.Stderr = &syncWriter{w: &p.stderr, mu: &p.mu}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
			select {
			case p.more <- struct{}{}:
			default:
			}
		}
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
	})
	return p
}

// waitLine waits until a stdout line contains marker.
func (p *proc) waitLine(t *testing.T, marker string) {
	t.Helper()
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		for _, l := range p.lines {
			if strings.Contains(l, marker) {
				p.mu.Unlock()
				return
			}
		}
		p.mu.Unlock()
		select {
		case <-p.more:
		case <-p.exited:
			t.Fatalf("mdlr exited (%v) before printing %q; stderr:\n%s", p.err, marker, p.stderrText())
		case <-deadline.C:
			t.Fatalf("mdlr did not print %q within 30s; stderr:\n%s", marker, p.stderrText())
		}
	}
}

func (p *proc) stderrText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// waitChan waits for ch with a deadline.
func waitChan(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// journalEntries reads the harness's journal, failing on any corrupted entry.
func journalEntries(t *testing.T, h *harness) []state.Entry {
	t.Helper()
	j, err := state.OpenJournal(h.env["MDLR_STATE_DIR"])
	if err != nil {
		t.Fatal(err)
	}
	entries, errs := j.List()
	if len(errs) > 0 {
		t.Fatalf("journal is not intact: %v", errs)
	}
	return entries
}

// submissions counts runliveresponse POSTs that reached the tenant.
func submissions(h *harness) int {
	n := 0
	for _, r := range h.sim.Requests() {
		if r.Method == http.MethodPost && strings.Contains(r.Path, "runliveresponse") {
			n++
		}
	}
	return n
}

// actionsJSON runs `mdlr actions --json` in-process.
func actionsJSON(t *testing.T, h *harness) []state.ActionView {
	t.Helper()
	stdout, stderr, code := h.run("actions", "--json")
	if code != 0 {
		t.Fatalf("actions: exit %d: %s", code, stderr)
	}
	var views []state.ActionView
	if err := jsonUnmarshal(stdout, &views); err != nil {
		t.Fatalf("actions --json: %v: %s", err, stdout)
	}
	return views
}

// checkFilesSaved asserts every completed GetFile of v is on disk in
// outDir with the content the device had, and is not a temp file.
func checkFilesSaved(t *testing.T, v state.ActionView, outDir string) {
	t.Helper()
	saw := false
	for _, c := range v.Commands {
		if c.Type != api.CommandGetFile || c.State != state.CmdCompleted {
			continue
		}
		saw = true
		if c.File == nil {
			t.Fatalf("GetFile %d (%s) completed but was not saved: %s", c.Index, c.Target, c.FetchErr)
		}
		if filepath.Dir(c.File.Path) != outDir || strings.HasSuffix(c.File.Path, ".part") {
			t.Fatalf("GetFile %d saved as %s, want a final file in %s", c.Index, c.File.Path, outDir)
		}
		want := sha256Hex(mdesim.FileContent(c.Target))
		if got, err := sha256File(c.File.Path); err != nil || got != want || c.File.SHA256 != want {
			t.Fatalf("GetFile %d: %s has sha256 %s (recorded %s, %v), want %s", c.Index, c.File.Path, got, c.File.SHA256, err, want)
		}
	}
	if !saw {
		t.Fatalf("no completed GetFile in %+v", v.Commands)
	}
}

// freshEngine reattaches a new engine (a restarted console) to the
// harness's journal and polls until every action is done.
func freshEngine(t *testing.T, h *harness, outRoot string) []state.ActionView {
	t.Helper()
	j, err := state.OpenJournal(h.env["MDLR_STATE_DIR"])
	if err != nil {
		t.Fatal(err)
	}
	c, err := api.New(api.Config{
		BaseURL: h.srv.URL, TokenURL: mdesim.TokenURL(h.srv.URL, mdesim.DemoTenantID),
		ClientID: mdesim.DemoClientID, ClientSecret: h.env["AZURE_CLIENT_SECRET"],
		Now: h.clock.Now, Sleep: func(ctx context.Context, d time.Duration) error { h.clock.Advance(d); return ctx.Err() },
	})
	if err != nil {
		t.Fatal(err)
	}
	e := state.NewEngine(c, j, state.EngineOptions{Now: h.clock.Now, OutRoot: outRoot})
	if _, errs := e.Reattach(t.Context()); len(errs) > 0 {
		t.Fatalf("reattach: %v", errs)
	}
	for round := 0; ; round++ {
		res, _ := e.Poll(t.Context())
		all := true
		for _, v := range e.Actions() {
			all = all && v.Done
		}
		if all {
			return e.Actions()
		}
		if round > 200 {
			t.Fatalf("actions not done after %d poll rounds: %+v", round, e.Actions())
		}
		h.clock.Advance(max(res.Next, time.Second))
	}
}

// TestKillBeforeTheIntentIsWritten kills `mdlr run` while it is still
// checking the library: nothing is in the journal, nothing on the tenant,
// and running it again submits exactly once.
func TestKillBeforeTheIntentIsWritten(t *testing.T) {
	bin := buildMdlr(t)
	h := newHarness(t, mdesim.Options{})
	h.sim.SetFaults(mdesim.Faults{Slow: 30 * time.Second, Paths: []string{"libraryfiles"}})
	listing := make(chan struct{})
	var once sync.Once
	h.mu.Lock()
	h.onRequest = func(r *http.Request) {
		if strings.Contains(r.URL.Path, "libraryfiles") {
			once.Do(func() { close(listing) })
		}
	}
	h.mu.Unlock()
	out := t.TempDir()
	args := []string{"run", "--json", "--device", winDevice, "--putfile", "winpmem.exe", "--comment", "IR-20 kill early", "--out", out}
	p := startMdlr(t, h, bin, args...)
	waitChan(t, listing, "the library listing")
	p.kill(t)
	h.sim.SetFaults(mdesim.Faults{})

	if entries := journalEntries(t, h); len(entries) != 0 {
		t.Fatalf("journal has %d entries before any submission", len(entries))
	}
	if views := actionsJSON(t, h); len(views) != 0 {
		t.Fatalf("actions after the kill = %+v", views)
	}
	if n := submissions(h); n != 0 {
		t.Fatalf("%d submissions reached the tenant", n)
	}
	if _, stderr, code := h.run(args...); code != 0 {
		t.Fatalf("re-run: exit %d: %s", code, stderr)
	}
	if n, m := h.sim.LiveResponseActionCount(), submissions(h); n != 1 || m != 1 {
		t.Fatalf("after the re-run: %d actions, %d submissions; want 1 and 1", n, m)
	}
}

// TestKillAfterTheIntentBeforeItIsSent kills `mdlr run` after the intent
// is in the journal but while it is still signing in for the submission:
// the restart shows the intent, never sends it, and declares it never
// submitted once the search window has passed.
func TestKillAfterTheIntentBeforeItIsSent(t *testing.T) {
	bin := buildMdlr(t)
	// Tokens shorter than the client's early refresh: every call signs in.
	h := newHarness(t, mdesim.Options{TokenLifetime: 90 * time.Second})
	var sawLibrary atomic.Bool
	signingIn := make(chan struct{})
	var once sync.Once
	h.mu.Lock()
	h.onRequest = func(r *http.Request) {
		switch {
		case strings.Contains(r.URL.Path, "libraryfiles"):
			sawLibrary.Store(true)
		case strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token") && sawLibrary.Load():
			// The sign-in for the submission: hold it and kill.
			// (The tenant notices a client gone only once it reads the form,
			// so keep the hold short: the kill lands within milliseconds.)
			h.sim.SetFaults(mdesim.Faults{Slow: 4 * time.Second, Paths: []string{"oauth2"}})
			once.Do(func() { close(signingIn) })
		}
	}
	h.mu.Unlock()
	p := startMdlr(t, h, bin, "run", "--json", "--device", winDevice, "--putfile", "winpmem.exe", "--comment", "IR-21 kill at sign-in", "--out", t.TempDir())
	waitChan(t, signingIn, "the submission's sign-in")
	p.kill(t)
	h.mu.Lock()
	h.onRequest = nil
	h.mu.Unlock()
	h.sim.SetFaults(mdesim.Faults{})

	entries := journalEntries(t, h)
	if len(entries) != 1 || entries[0].Phase != state.PhaseIntent {
		t.Fatalf("journal = %v, want one written intent", phases(entries))
	}
	views := actionsJSON(t, h)
	if len(views) != 1 || views[0].ActionID != "" || views[0].Done {
		t.Fatalf("actions right after the kill = %+v", views)
	}
	h.clock.Advance(6 * time.Minute) // past the search window
	views = actionsJSON(t, h)
	if len(views) != 1 || views[0].Status != state.StatusRejected || !views[0].Done {
		t.Fatalf("actions after the search window = %+v", views)
	}
	if n, m := h.sim.LiveResponseActionCount(), submissions(h); n != 0 || m != 0 {
		t.Fatalf("%d actions, %d submissions: an unsent intent was sent on restart", n, m)
	}
}

// TestKillWhilePollingFreshEngineResumes kills `mdlr run` after the
// script's result was fetched but before the file was collected; a fresh
// engine (a restarted console) resumes polling, collects the file, and
// `mdlr actions` shows the finished action; nothing is submitted twice.
func TestKillWhilePollingFreshEngineResumes(t *testing.T) {
	bin := buildMdlr(t)
	h := newHarness(t, mdesim.Options{})
	out := filepath.Join(t.TempDir(), "evidence")
	p := startMdlr(t, h, bin, "run", "--json", "--device", winDevice, "--script", "Get-ProcessList.ps1",
		"--getfile", `C:\Windows\Temp\triage.zip`, "--comment", "IR-22 kill while polling", "--out", out)
	p.waitLine(t, `"event":"submitted"`)
	h.clock.Advance(mdesim.PickupDelay + mdesim.RunScriptDuration + 2*time.Second) // the script is done, the file not yet
	p.waitLine(t, `"event":"result"`)                                              // the script's result (the file is not collected yet)
	p.kill(t)
	if e := journalEntries(t, h); len(e) != 1 || e[0].Phase != state.PhaseSubmitted {
		t.Fatalf("journal after the kill = %v", phases(e))
	}

	h.clock.Advance(10 * time.Minute)
	views := freshEngine(t, h, t.TempDir())
	if len(views) != 1 || views[0].Status != api.StatusSucceeded {
		t.Fatalf("fresh engine sees %+v", views)
	}
	checkFilesSaved(t, views[0], out)
	if views[0].Commands[0].Result == nil {
		t.Fatal("the fresh engine lost the script result fetched before the kill")
	}
	listed := actionsJSON(t, h)
	if len(listed) != 1 || listed[0].ActionID != views[0].ActionID || !listed[0].Done || listed[0].Commands[1].File == nil {
		t.Fatalf("mdlr actions after the restart = %+v", listed)
	}
	requireScriptResult(t, h, views[0].ActionID, 0)
	if n, m := h.sim.LiveResponseActionCount(), submissions(h); n != 1 || m != 1 {
		t.Fatalf("%d actions, %d submissions after the restart; want 1 and 1", n, m)
	}
}

// TestKillMidDownloadCompletesOnRestart kills `mdlr run` while a big file
// is streaming to disk: the restart downloads it again into its final
// name, with the right content; the partial download never is that file
// and does not stay behind in the evidence folder.
func TestKillMidDownloadCompletesOnRestart(t *testing.T) {
	bin := buildMdlr(t)
	stall := newBlobStall(64 << 10)
	h, _ := newWrappedHarness(t, mdesim.Options{}, wrapOptions{stall: stall})
	out := filepath.Join(t.TempDir(), "evidence")
	const big = `C:\Windows\Temp\big-memory.dmp`
	p := startMdlr(t, h, bin, "run", "--json", "--device", winDevice, "--getfile", big, "--comment", "IR-23 kill mid-download", "--out", out)
	p.waitLine(t, `"event":"submitted"`)
	h.clock.Advance(mdesim.PickupDelay + mdesim.BigGetFileDuration + 2*time.Second)
	waitChan(t, stall.stalled, "the download to start")
	parts := partFiles(out)
	if len(parts) == 0 {
		t.Fatal("no partial download on disk when the download was held: the kill would not land mid-stream")
	}
	p.kill(t)
	stall.on.Store(false)

	views := actionsJSON(t, h)
	if len(views) != 1 || !views[0].Done || views[0].Status != api.StatusSucceeded {
		t.Fatalf("actions after the restart = %+v", views)
	}
	checkFilesSaved(t, views[0], out)
	if f := views[0].Commands[0].File; f.Bytes != int64(len(mdesim.FileContent(big))) {
		t.Fatalf("saved %d bytes, want %d", f.Bytes, len(mdesim.FileContent(big)))
	}
	if n, m := h.sim.LiveResponseActionCount(), submissions(h); n != 1 || m != 1 {
		t.Fatalf("%d actions, %d submissions; want 1 and 1", n, m)
	}
	if left := partFiles(out); len(left) > 0 {
		t.Fatalf("partial downloads of the killed process still in the evidence folder: %v", left)
	}
	if stdout, stderr, code := h.run("verify", out); code != 0 {
		t.Fatalf("verify after the restart: exit %d: %s%s", code, stdout, stderr)
	}
}

// TestSignalsStopRunPromptlyWithJournalIntact sends SIGTERM and SIGHUP to
// a following `mdlr run`: it exits promptly, says how to resume, the
// journal holds the action, and `mdlr actions` finishes it.
func TestSignalsStopRunPromptlyWithJournalIntact(t *testing.T) {
	bin := buildMdlr(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			h := newHarness(t, mdesim.Options{})
			out := filepath.Join(t.TempDir(), "evidence")
			p := startMdlr(t, h, bin, "run", "--json", "--device", winDevice, "--script", "slow-scan.ps1",
				"--getfile", `C:\Windows\Temp\triage.zip`, "--comment", "IR-24 "+sig.String(), "--out", out)
			p.waitLine(t, `"event":"submitted"`)
			sent := time.Now()
			if err := p.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			select {
			case <-p.exited:
			case <-time.After(5 * time.Second):
				t.Fatalf("mdlr run still running 5s after %v", sig)
			}
			var ee *exec.ExitError
			if !errors.As(p.err, &ee) || ee.ExitCode() != ExitActionEnded {
				t.Fatalf("exit after %v: %v, want exit %d", sig, p.err, ExitActionEnded)
			}
			if !strings.Contains(p.stderrText(), "mdlr actions") {
				t.Errorf("stderr does not say how to resume:\n%s", p.stderrText())
			}
			t.Logf("%v: exited %s after the signal", sig, time.Since(sent).Round(time.Millisecond))
			entries := journalEntries(t, h)
			if len(entries) != 1 || entries[0].Phase != state.PhaseSubmitted || entries[0].ActionID == "" {
				t.Fatalf("journal after %v = %v", sig, phases(entries))
			}
			h.clock.Advance(20 * time.Minute)
			views := actionsJSON(t, h)
			if len(views) != 1 || !views[0].Done || views[0].Status != api.StatusSucceeded {
				t.Fatalf("actions = %+v", views)
			}
			checkFilesSaved(t, views[0], out)
			if n := submissions(h); n != 1 {
				t.Fatalf("%d submissions", n)
			}
		})
	}
}

// requireScriptResult asserts the journal holds the RunScript result of
// command index of an action.
func requireScriptResult(t *testing.T, h *harness, actionID string, index int) {
	t.Helper()
	j, err := state.OpenJournal(h.env["MDLR_STATE_DIR"])
	if err != nil {
		t.Fatal(err)
	}
	if res, err := j.LoadScriptResult(actionID, index); err != nil || res.ScriptOutput == "" {
		t.Fatalf("script result %d of %s: %v (%+v)", index, actionID, err, res)
	}
}
