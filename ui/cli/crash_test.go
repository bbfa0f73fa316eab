package cli

import (
	"bufio"
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

	"mdlr/api/mdesim"
)

// buildMdlr compiles the mdlr binary once per test binary run.
func buildMdlr(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and kills a subprocess")
	}
	bin := filepath.Join(t.TempDir(), "mdlr")
	cmd := exec.Command("go", "build", "-o", bin, "mdlr")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// startKillable runs mdlr with the harness's environment and returns it
// once its stdout has printed a line containing marker.
func startKillable(t *testing.T, h *harness, bin, marker string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, args...)
	for k, v := range h.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, "PATH="+os.Getenv("PATH"), "HOME="+t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("mdlr exited before printing %q", marker)
			}
			if strings.Contains(l, marker) {
				go func() {
					for range lines {
					}
				}()
				return cmd
			}
		case <-deadline:
			t.Fatalf("mdlr did not print %q within 30s", marker)
		}
	}
}

// TestCrashWhilePollingThenReattach kills `mdlr run` (SIGKILL) right after
// the submission, lets the action finish on the tenant, and checks that
// `mdlr actions` reattaches, fetches every result, saves the file, and that
// nothing was submitted twice.
func TestCrashWhilePollingThenReattach(t *testing.T) {
	bin := buildMdlr(t)
	h := newHarness(t, mdesim.Options{})
	out := filepath.Join(t.TempDir(), "evidence")
	cmd := startKillable(t, h, bin, `"event":"submitted"`, "run", "--json", "--device", winDevice,
		"--script", "Get-ProcessList.ps1", "--getfile", `C:\Windows\Temp\triage.zip`, "--comment", "IR-9 crash", "--out", out)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	h.clock.Advance(10 * time.Minute) // the device finishes while nobody watches
	stdout, stderr, code := h.run("actions", "--json")
	if code != 0 {
		t.Fatalf("actions: exit %d: %s", code, stderr)
	}
	var acts []map[string]any
	if err := jsonUnmarshal(stdout, &acts); err != nil || len(acts) != 1 {
		t.Fatalf("actions = %s (%v)", stdout, err)
	}
	a := acts[0]
	if a["Status"] != "Succeeded" || a["Done"] != true {
		t.Fatalf("reattached action = %v", a)
	}
	cmds := a["Commands"].([]any)
	file := cmds[1].(map[string]any)["File"]
	if file == nil {
		t.Fatalf("the GetFile result was not downloaded after the crash: %v", cmds[1])
	}
	path := file.(map[string]any)["Path"].(string)
	if filepath.Dir(path) != out {
		t.Fatalf("file saved to %s, want in %s", path, out)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	if cmds[0].(map[string]any)["Result"] == nil {
		t.Fatal("the script result was not fetched after the crash")
	}
	if n := h.sim.LiveResponseActionCount(); n != 1 {
		t.Fatalf("tenant has %d actions after crash and reattach, want 1", n)
	}
}

// TestCrashDuringSubmissionIsNeverResubmitted kills `mdlr run` while its
// submission is in flight (the tenant answers slowly): the journal holds the
// intent, and the next start resolves it without submitting again.
func TestCrashDuringSubmissionIsNeverResubmitted(t *testing.T) {
	bin := buildMdlr(t)
	h := newHarness(t, mdesim.Options{})
	h.sim.SetFaults(mdesim.Faults{Slow: 3 * time.Second, Paths: []string{"runliveresponse"}})
	submitting := make(chan struct{})
	var once sync.Once
	var posts atomic.Int32
	h.mu.Lock()
	h.onRequest = func(r *http.Request) {
		if r.Method == http.MethodPost && strings.Contains(r.URL.Path, "runliveresponse") {
			posts.Add(1)
			once.Do(func() { close(submitting) })
		}
	}
	h.mu.Unlock()
	cmd := exec.Command(bin, "run", "--json", "--device", winDevice, "--putfile", "winpmem.exe", "--comment", "IR-10", "--out", t.TempDir())
	for k, v := range h.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, "PATH="+os.Getenv("PATH"), "HOME="+t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the submission is on the wire, then kill.
	select {
	case <-submitting:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("mdlr never submitted")
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	h.sim.SetFaults(mdesim.Faults{})

	stdout, stderr, code := h.run("actions", "--json")
	if code != 0 {
		t.Fatalf("actions: exit %d: %s", code, stderr)
	}
	var acts []map[string]any
	if err := jsonUnmarshal(stdout, &acts); err != nil || len(acts) != 1 {
		t.Fatalf("the intent is missing from the journal: %s (%v)", stdout, err)
	}
	created := h.sim.LiveResponseActionCount()
	if created > 1 {
		t.Fatalf("tenant has %d actions", created)
	}
	if created == 1 && acts[0]["ActionID"] == "" {
		t.Fatalf("the action exists on the tenant but the journal did not find it: %v", acts[0])
	}
	if created == 0 && acts[0]["Status"] == "Succeeded" {
		t.Fatalf("journal claims success for an action that does not exist: %v", acts[0])
	}
	if n := posts.Load(); n != 1 {
		t.Fatalf("%d submissions reached the tenant, want exactly the one that was in flight", n)
	}
}
