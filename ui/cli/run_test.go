package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mdlr/api/mdesim"
)

const winDevice = "win-analyst-01.contoso.local"

func TestRunHappyPathAllThreeTypesAnyFlagOrder(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	out := t.TempDir()
	stdout, stderr, code := h.run("run", "--json", "--device", winDevice,
		"--getfile", `C:\Windows\Temp\triage.zip`,
		"--script", `collect-triage.ps1 -OutPath C:\Windows\Temp\triage.zip -Days 3`,
		"--putfile", "winpmem.exe",
		"--comment", "IR-1234 triage", "--out", out)
	if code != ExitSucceeded {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	evs := events(t, stdout)
	if len(evs) == 0 || evs[0]["event"] != "submitted" || evs[0]["actionId"] == "" {
		t.Fatalf("first event is not submitted: %v", evs)
	}
	last := evs[len(evs)-1]
	if last["event"] != "done" || last["status"] != "Succeeded" {
		t.Fatalf("last event = %v", last)
	}
	// The request reached the tenant in the API's order.
	cmds := eventsOf(evs, "command")
	types := map[float64]string{}
	for _, c := range cmds {
		types[c["index"].(float64)] = c["type"].(string)
	}
	if types[0] != "PutFile" || types[1] != "RunScript" || types[2] != "GetFile" {
		t.Fatalf("command order = %v", types)
	}
	results := eventsOf(evs, "result")
	if len(results) != 2 {
		t.Fatalf("want 2 results, got %v", results)
	}
	var sawScript, sawFile bool
	for _, r := range results {
		switch r["type"] {
		case "RunScript":
			sawScript = true
			if r["exitCode"] != float64(0) || !strings.Contains(r["output"].(string), "triage") {
				t.Errorf("script result = %v", r)
			}
			if strings.ContainsRune(r["output"].(string), 0) {
				t.Errorf("NULs not stripped from output")
			}
		case "GetFile":
			sawFile = true
			path := r["path"].(string)
			if !strings.HasPrefix(path, out) {
				t.Errorf("file saved outside --out: %s", path)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(b)
			if hex.EncodeToString(sum[:]) != r["sha256"] || float64(len(b)) != r["bytes"] {
				t.Errorf("file %s does not match its result event %v", path, r)
			}
			if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
				t.Errorf("file was saved still gzip-compressed")
			}
		}
	}
	if !sawScript || !sawFile {
		t.Fatalf("missing results: %v", results)
	}
	if n := h.sim.LiveResponseActionCount(); n != 1 {
		t.Fatalf("tenant has %d actions, want 1", n)
	}
}

func TestRunFailingScriptSkipsLaterCommands(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	stdout, stderr, code := h.run("run", "--json", "--device", winDevice,
		"--script", "broken-check.ps1", "--getfile", `C:\Windows\Temp\x.txt`,
		"--comment", "health check", "--out", t.TempDir())
	if code != ExitActionEnded {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	evs := events(t, stdout)
	if last := evs[len(evs)-1]; last["status"] != "Failed" {
		t.Fatalf("last = %v", last)
	}
	var failed, notRun bool
	for _, c := range eventsOf(evs, "command") {
		if c["index"] == float64(0) && c["status"] == "failed" {
			failed = true
			if c["errors"] == nil {
				t.Errorf("failed command without errors: %v", c)
			}
		}
		if c["index"] == float64(1) && c["status"] == "not run" {
			notRun = true
		}
	}
	if !failed || !notRun {
		t.Fatalf("want command 0 failed and 1 not run: %v", eventsOf(evs, "command"))
	}
}

func TestRunBadInputSendsNothing(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"forbidden args", []string{"--device", winDevice, "--script", "collect-triage.ps1 -OutPath x; rm", "--comment", "c"}, ";"},
		{"no comment", []string{"--device", winDevice, "--putfile", "winpmem.exe"}, "--comment"},
		{"no device", []string{"--putfile", "winpmem.exe", "--comment", "c"}, "--device"},
		{"no commands", []string{"--device", winDevice, "--comment", "c"}, "nothing to run"},
		{"unknown device", []string{"--device", "no-such-host", "--putfile", "winpmem.exe", "--comment", "c"}, "not found"},
		{"unknown script", []string{"--device", winDevice, "--script", "nope.ps1", "--comment", "c"}, "nope.ps1"},
		{"linux path on windows", []string{"--device", winDevice, "--getfile", "/etc/passwd", "--comment", "c"}, "path"},
		{"unknown flag", []string{"--devise", winDevice}, "devise"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, mdesim.Options{})
			_, stderr, code := h.run(append([]string{"run", "--out", t.TempDir()}, c.args...)...)
			if code != ExitBadInput {
				t.Fatalf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(strings.ToLower(stderr), strings.ToLower(c.want)) {
				t.Fatalf("stderr does not mention %q:\n%s", c.want, stderr)
			}
			if n := h.sim.LiveResponseActionCount(); n != 0 {
				t.Fatalf("an action was created on bad input")
			}
		})
	}
}

func TestRunBusyDeviceCannotSubmit(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	_, stderr, code := h.run("run", "--device", "win-busy-03.contoso.local", "--putfile", "winpmem.exe",
		"--comment", "c", "--out", t.TempDir())
	if code != ExitNotSent {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.Contains(strings.ToLower(stderr), "busy") && !strings.Contains(strings.ToLower(stderr), "already") {
		t.Fatalf("stderr does not say the device is busy:\n%s", stderr)
	}
}

func TestRunWrongSecretSaysSo(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	h.env["AZURE_CLIENT_SECRET"] = "not-the-secret"
	_, stderr, code := h.run("run", "--device", winDevice, "--putfile", "winpmem.exe", "--comment", "c", "--out", t.TempDir())
	if code != ExitNotSent {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.Contains(strings.ToLower(stderr), "secret") {
		t.Fatalf("stderr does not name the secret:\n%s", stderr)
	}
	if strings.Contains(stderr, "not-the-secret") {
		t.Fatalf("stderr leaks the secret")
	}
}

func TestRunHostileOutputIsInert(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	stdout, stderr, code := h.run("run", "--device", winDevice, "--script", "hostile-output.ps1", "--comment", "c", "--out", t.TempDir())
	if code != ExitSucceeded {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for name, s := range map[string]string{"stdout": stdout, "stderr": stderr} {
		for _, r := range s {
			if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
				t.Fatalf("%s contains control character %U", name, r)
			}
		}
	}
	if !strings.Contains(stdout, "^[") {
		t.Fatalf("escape sequences should be shown, not dropped:\n%s", stdout)
	}
}

func TestRunOfflineDeviceTimesOut(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	stdout, stderr, code := h.run("run", "--json", "--device", "win-offline-07.contoso.local", "--putfile", "winpmem.exe",
		"--comment", "c", "--out", t.TempDir())
	if code != ExitActionEnded {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	evs := events(t, stdout)
	if last := evs[len(evs)-1]; last["status"] != "TimeOut" {
		t.Fatalf("last = %v", last)
	}
	if !strings.Contains(stderr, "queue") {
		t.Fatalf("stderr does not explain the queue:\n%s", stderr)
	}
}

func TestRunThrottledSubmissionCreatesOneAction(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	h.sim.SetFaults(mdesim.Faults{Seed: 7, Throttle429: 0.6, Paths: []string{"runliveresponse"}})
	stdout, stderr, code := h.run("run", "--json", "--device", winDevice, "--putfile", "winpmem.exe", "--comment", "c", "--out", t.TempDir())
	if code != ExitSucceeded {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if n := h.sim.LiveResponseActionCount(); n != 1 {
		t.Fatalf("tenant has %d actions, want exactly 1", n)
	}
	if len(eventsOf(events(t, stdout), "submitted")) != 1 {
		t.Fatal("want one submitted event")
	}
	throttled := 0
	for _, r := range h.sim.Requests() {
		if strings.Contains(r.Path, "runliveresponse") && r.Status == 429 {
			throttled++
		}
	}
	if throttled == 0 {
		t.Fatal("the fault did not throttle any submission; the test proves nothing")
	}
}

func TestRunCancelledMidway(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	cancelled := false
	h.onSleep = func(h *harness) {
		if cancelled {
			return
		}
		evs := eventsOf(events(h.t, h.output()), "submitted")
		if len(evs) == 0 {
			return
		}
		cancelled = true
		id := evs[0]["actionId"].(string)
		// A second invocation, like an analyst in another shell.
		sub := &harness{t: h.t, sim: h.sim, srv: h.srv, clock: h.clock, env: h.env}
		if _, stderr, code := sub.run("cancel", id, "--comment", "wrong host"); code != 0 {
			h.t.Errorf("cancel exit %d: %s", code, stderr)
		}
	}
	stdout, stderr, code := h.run("run", "--json", "--device", winDevice, "--script", "slow-scan.ps1", "--comment", "c", "--out", t.TempDir())
	if code != ExitActionEnded {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	evs := events(t, stdout)
	if last := evs[len(evs)-1]; last["status"] != "Cancelled" {
		t.Fatalf("last = %v", last)
	}
}

func TestDevicesJSONAndFilter(t *testing.T) {
	h := newHarness(t, mdesim.Options{Devices: 300})
	stdout, stderr, code := h.run("devices", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var all []map[string]any
	if err := jsonUnmarshal(stdout, &all); err != nil || len(all) != 300 {
		t.Fatalf("devices --json: %d devices, err %v", len(all), err)
	}
	stdout, _, _ = h.run("devices", "--json", "--filter", "win-offline")
	var some []map[string]any
	if err := jsonUnmarshal(stdout, &some); err != nil || len(some) != 1 || some[0]["computerDnsName"] != "win-offline-07.contoso.local" {
		t.Fatalf("filtered = %v (err %v)", some, err)
	}
}

func TestLibraryAndActionsJSON(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	stdout, _, code := h.run("library", "--json")
	var lib []map[string]any
	if code != 0 || jsonUnmarshal(stdout, &lib) != nil || len(lib) < 5 {
		t.Fatalf("library: code %d, %s", code, stdout)
	}
	stdout, _, code = h.run("actions", "--json")
	var acts []map[string]any
	if code != 0 || jsonUnmarshal(stdout, &acts) != nil || len(acts) != 0 {
		t.Fatalf("actions on an empty journal: code %d, %s", code, stdout)
	}
	if _, stderr, code := h.run("run", "--device", winDevice, "--putfile", "winpmem.exe", "--comment", "c", "--out", filepath.Join(t.TempDir(), "o")); code != 0 {
		t.Fatalf("run: %d %s", code, stderr)
	}
	stdout, _, _ = h.run("actions", "--json")
	if jsonUnmarshal(stdout, &acts) != nil || len(acts) != 1 {
		t.Fatalf("actions after a run: %s", stdout)
	}
}

func TestRunFindsDeviceByShortHostName(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	stdout, stderr, code := h.run("run", "--json", "--device", "WIN-ANALYST-01", "--putfile", "winpmem.exe",
		"--comment", "short name", "--out", t.TempDir())
	if code != ExitSucceeded {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	sub := eventsOf(events(t, stdout), "submitted")
	if len(sub) != 1 || sub[0]["device"] != winDevice {
		t.Fatalf("submitted = %v", sub)
	}
}
