package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"mdlr/api"
	"mdlr/api/mdesim"
	"mdlr/state"
)

// tmuxSession runs one command in a detached tmux session on a private
// server; the pane stays after the command exits so it can be inspected.
type tmuxSession struct {
	t      *testing.T
	socket string
}

func newTmuxSession(t *testing.T, env map[string]string, argv ...string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, socket: fmt.Sprintf("mdlr-test-%d-%d", os.Getpid(), time.Now().UnixNano())}
	args := []string{"new-session", "-d", "-s", "mdlr", "-x", "110", "-y", "32"}
	for k, v := range env {
		args = append(args, "-e", k+"="+v)
	}
	args = append(args, argv...)
	args = append(args, ";", "set-option", "-t", "mdlr", "remain-on-exit", "on")
	if out, err := s.cmd(args...).CombinedOutput(); err != nil {
		t.Skipf("tmux cannot start a session here: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = s.cmd("kill-server").Run() })
	return s
}

func (s *tmuxSession) cmd(args ...string) *exec.Cmd {
	return exec.Command("tmux", append([]string{"-L", s.socket, "-f", "/dev/null"}, args...)...)
}

// format returns a tmux format value of the pane (e.g. "#{pane_pid}").
func (s *tmuxSession) format(f string) string {
	out, err := s.cmd("display-message", "-p", "-t", "mdlr", f).Output()
	if err != nil {
		s.t.Fatalf("tmux display-message %s: %v", f, err)
	}
	return strings.TrimSpace(string(out))
}

func (s *tmuxSession) capture() string {
	out, _ := s.cmd("capture-pane", "-p", "-t", "mdlr").Output()
	return string(out)
}

// waitFor polls cond until it holds or within passes.
func (s *tmuxSession) waitFor(within time.Duration, what string, cond func() bool) {
	s.t.Helper()
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			s.t.Fatalf("timed out after %s waiting for %s; pane:\n%s", within, what, s.capture())
		case <-tick.C:
		}
	}
}

// TestConsoleSignalsRestoreTerminal runs the console in tmux, sends it
// SIGHUP (an SSH session dropping) or SIGTERM, and checks that it exits
// promptly, leaves the alternate screen and shows the cursor again, and
// that the journal is intact and still resumable.
func TestConsoleSignalsRestoreTerminal(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	bin := buildMdlr(t)
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			h := newHarness(t, mdesim.Options{})
			// An action in flight for the console to reattach and poll.
			submitInFlight(t, h, "slow-scan.ps1")
			env := map[string]string{"TERM": "xterm-256color", "HOME": t.TempDir(), "PATH": os.Getenv("PATH")}
			for k, v := range h.env {
				env[k] = v
			}
			// A shell stays in the pane after mdlr exits (tmux hides the
			// cursor of a dead pane), and says how mdlr exited.
			s := newTmuxSession(t, env, "sh", "-c", `"$0"; echo "mdlr exited with status $?"; exec sleep 600`, bin)
			s.waitFor(30*time.Second, "the console to draw", func() bool {
				return s.format("#{alternate_on}") == "1" && strings.Contains(s.capture(), "quit")
			})
			shell, err := strconv.Atoi(s.format("#{pane_pid}"))
			if err != nil {
				t.Fatal(err)
			}
			pid := childOf(t, shell)
			sent := time.Now()
			if err := syscall.Kill(pid, sig); err != nil {
				t.Fatal(err)
			}
			s.waitFor(5*time.Second, "the console to exit", func() bool { return strings.Contains(s.capture(), "mdlr exited") })
			t.Logf("%v: console exited %s after the signal: %q", sig, time.Since(sent).Round(time.Millisecond),
				strings.TrimSpace(s.capture()))
			if alt := s.format("#{alternate_on}"); alt != "0" {
				t.Errorf("after %v the pane is still on the alternate screen", sig)
			}
			if cur := s.format("#{cursor_flag}"); cur != "1" {
				t.Errorf("after %v the cursor is hidden (cursor_flag %s)", sig, cur)
			}
			if m := s.format("#{mouse_any_flag}"); m != "0" {
				t.Errorf("after %v mouse reporting is still on", sig)
			}
			entries := journalEntries(t, h)
			if len(entries) != 1 || entries[0].ActionID == "" || entries[0].Phase != state.PhaseSubmitted {
				t.Fatalf("journal after %v = %v", sig, phases(entries))
			}
			h.clock.Advance(20 * time.Minute)
			views := actionsJSON(t, h)
			if len(views) != 1 || !views[0].Done || views[0].Status != api.StatusSucceeded {
				t.Fatalf("actions after the console was stopped = %+v", views)
			}
			requireScriptResult(t, h, views[0].ActionID, 0)
		})
	}
}

// submitInFlight submits a one-script action through a fresh engine and
// leaves it unfinished in the harness's journal.
func submitInFlight(t *testing.T, h *harness, script string) state.ActionView {
	t.Helper()
	j, err := state.OpenJournal(h.env["MDLR_STATE_DIR"])
	if err != nil {
		t.Fatal(err)
	}
	c, err := api.New(api.Config{
		BaseURL: h.srv.URL, TokenURL: mdesim.TokenURL(h.srv.URL, mdesim.DemoTenantID),
		ClientID: mdesim.DemoClientID, ClientSecret: h.env["AZURE_CLIENT_SECRET"], Now: h.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	e := state.NewEngine(c, j, state.EngineOptions{Now: h.clock.Now, OutRoot: t.TempDir()})
	p := state.Plan{Device: state.Device{ID: mdesim.DeviceAnalystID, Name: winDevice, OSPlatform: "Windows11"}, Comment: "IR-25 in flight",
		Commands: []state.PlanCommand{state.ParseScriptFlag(script)}}
	v, err := e.Submit(t.Context(), p, "")
	if err != nil || v.ActionID == "" {
		t.Fatalf("submit: %v (%+v)", err, v)
	}
	return v
}

// childOf returns the pid of the only child of process ppid (Linux /proc),
// skipping the test where /proc is not available.
func childOf(t *testing.T, ppid int) int {
	t.Helper()
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces, so cut at the last ')'.
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(b[i+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(ppid) {
			pid, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(filepath.Dir(f), "/proc/"), "/"))
			if err == nil {
				return pid
			}
		}
	}
	t.Skip("cannot find the console's process under /proc")
	return 0
}
