package cli

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"mdlr/api/mdesim"
)

// canarySecret is a client secret no output may ever contain.
const canarySecret = "CANARY-s3cr3t-7f1d2c9e-never-print-me"

// securityRun drives the whole CLI flow against a tenant whose tokens are
// recorded: runs (JSON and human, with faults and with a token the tenant
// expires mid-run), listings, actions and a refused cancel. It returns
// everything printed, the harness, the issued tokens and the out folder.
func securityRun(t *testing.T) (printed []byte, h *harness, tokens []string, out string) {
	t.Helper()
	h, toks := newWrappedHarness(t, mdesim.Options{ClientSecret: canarySecret, TokenLifetime: 3 * time.Minute},
		wrapOptions{tokenLie: 10 * time.Minute})
	h.env["AZURE_CLIENT_SECRET"] = canarySecret
	out = filepath.Join(t.TempDir(), "evidence") // created by mdlr
	var all bytes.Buffer
	run := func(args ...string) int {
		so, se, code := h.run(args...)
		all.WriteString(so)
		all.WriteString(se)
		return code
	}
	if code := run("run", "--json", "--device", winDevice, "--putfile", "winpmem.exe",
		"--script", `collect-triage.ps1 -OutPath C:\Windows\Temp\triage.zip`, "--getfile", `C:\Windows\Temp\triage.zip`,
		"--comment", "SEC-1 json", "--out", out); code != 0 {
		t.Fatalf("run --json: exit %d\n%s", code, all.String())
	}
	h.sim.SetFaults(mdesim.Faults{Seed: 3, ServerError: 0.3, DropAfterWork: 0.2, Malformed: 0.1})
	run("run", "--device", mdesim.DeviceLinux, "--script", "netstat.sh", "--getfile", "/var/log/auth.log",
		"--comment", "SEC-2 human with faults", "--out", out)
	h.sim.SetFaults(mdesim.Faults{})
	run("run", "--device", "win-busy-03.contoso.local", "--putfile", "winpmem.exe", "--comment", "SEC-3 refused", "--out", out)
	run("devices", "--json")
	run("devices")
	run("library")
	run("actions", "--json")
	run("actions")
	stdout, _, _ := h.run("actions", "--json")
	var acts []map[string]any
	if err := jsonUnmarshal(stdout, &acts); err != nil || len(acts) == 0 {
		t.Fatalf("actions --json: %v %s", err, stdout)
	}
	run("cancel", acts[0]["ActionID"].(string), "--comment", "SEC-4 too late")
	// A wrong secret and a secret file readable by others: the errors name
	// the problem, never the value.
	h.env["AZURE_CLIENT_SECRET"] = canarySecret + "-WRONG"
	run("run", "--device", winDevice, "--putfile", "winpmem.exe", "--comment", "SEC-5", "--out", out)
	h.env["AZURE_CLIENT_SECRET"] = ""
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte(canarySecret+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.env["MDLR_CLIENT_SECRET_FILE"] = secretFile
	if code := run("devices"); code == 0 {
		t.Error("a secret file readable by others was accepted")
	}
	h.env["AZURE_CLIENT_SECRET"] = canarySecret
	delete(h.env, "MDLR_CLIENT_SECRET_FILE")
	return all.Bytes(), h, toks.all(), out
}

// TestNoSecretOrTokenInAnyOutputOrFile scans every output and every file
// mdlr wrote (journal, results, audit, downloads) for the client secret and
// for every bearer token the tenant issued.
func TestNoSecretOrTokenInAnyOutputOrFile(t *testing.T) {
	printed, h, tokens, out := securityRun(t)
	if len(tokens) < 2 {
		t.Fatalf("the tenant issued %d tokens; the mid-run expiry did not happen and the test proves less", len(tokens))
	}
	needles := append([]string{canarySecret}, tokens...)
	if found := containsAny(printed, needles); len(found) > 0 {
		t.Fatalf("stdout/stderr contain %d secret(s)", len(found))
	}
	scanned := 0
	for _, root := range []string{h.env["MDLR_STATE_DIR"], out, h.env["XDG_CONFIG_HOME"]} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			scanned++
			if found := containsAny(b, needles); len(found) > 0 {
				t.Errorf("%s contains a secret or token", p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if scanned < 4 {
		t.Fatalf("only %d files scanned: the flow did not write its journal and results", scanned)
	}
	t.Logf("scanned %d bytes of output and %d files for %d secrets", len(printed), scanned, len(needles))
}

// TestTokenNeverSentToResultLinks checks the tenant's request log: result
// links were fetched without an Authorization header, API calls with one.
func TestTokenNeverSentToResultLinks(t *testing.T) {
	_, h, _, _ := securityRun(t)
	blobs, apiCalls := 0, 0
	for _, r := range h.sim.Requests() {
		switch {
		case strings.HasPrefix(r.Path, "/blob/"):
			blobs++
			if r.HadAuth {
				t.Errorf("result link %s was sent an Authorization header", r.Path)
			}
		case strings.HasPrefix(strings.ToLower(r.Path), "/api/"):
			apiCalls++
			if !r.HadAuth {
				t.Errorf("API call %s %s without a token", r.Method, r.Path)
			}
		}
	}
	if blobs == 0 || apiCalls == 0 {
		t.Fatalf("%d result downloads and %d API calls: nothing to check", blobs, apiCalls)
	}
}

// TestFilesAndFoldersArePrivate checks the modes of everything mdlr
// created: folders 0700, files 0600 (journal, script results, audit log,
// downloads).
func TestFilesAndFoldersArePrivate(t *testing.T) {
	_, h, _, out := securityRun(t)
	checked := 0
	for _, root := range []string{h.env["MDLR_STATE_DIR"], out} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p == root && root == h.env["MDLR_STATE_DIR"] {
				return nil // made by the test (t.TempDir)
			}
			st, err := os.Lstat(p)
			if err != nil {
				return err
			}
			want := os.FileMode(0o600)
			if d.IsDir() {
				want = 0o700
			}
			if st.Mode().Perm() != want {
				t.Errorf("%s has mode %v, want %v", p, st.Mode().Perm(), want)
			}
			checked++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 5 {
		t.Fatalf("only %d paths checked", checked)
	}
}

// TestNoGoroutineLeakAfterRun runs a full in-process `mdlr run` and
// `mdlr actions` and waits (bounded) until no goroutine the run started is
// left: no HTTP connection (client or server side) and no mdlr code.
func TestNoGoroutineLeakAfterRun(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	before := leakSuspects()
	countBefore := runtime.NumGoroutine()
	if _, stderr, code := h.run("run", "--device", winDevice, "--script", "Get-ProcessList.ps1", "--getfile", `C:\Windows\Temp\triage.zip`,
		"--comment", "leak check", "--out", t.TempDir()); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	if _, stderr, code := h.run("actions"); code != 0 {
		t.Fatalf("actions: exit %d: %s", code, stderr)
	}
	var leaked []string
	deadline := time.NewTimer(5 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		leaked = leaked[:0]
		for id, stack := range leakSuspects() {
			if _, old := before[id]; !old {
				leaked = append(leaked, stack)
			}
		}
		if len(leaked) == 0 {
			break
		}
		select {
		case <-deadline.C:
			t.Fatalf("%d goroutines left by the run:\n%s", len(leaked), strings.Join(leaked, "\n\n"))
		case <-tick.C:
		}
	}
	t.Logf("goroutines: %d before, %d after", countBefore, runtime.NumGoroutine())
}

// leakSuspects returns, by goroutine id, the stacks of goroutines a finished
// run must not leave behind: HTTP connections (either side) and anything
// running mdlr code, except the caller.
func leakSuspects() map[string]string {
	buf := make([]byte, 4<<20)
	buf = buf[:runtime.Stack(buf, true)]
	out := map[string]string{}
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "cli.leakSuspects") {
			continue
		}
		if strings.Contains(g, "net/http.(*persistConn)") || strings.Contains(g, "net/http.(*conn).serve") || strings.Contains(g, "mdlr/") {
			id, _, _ := strings.Cut(strings.TrimPrefix(g, "goroutine "), " ")
			out[id] = g
		}
	}
	return out
}
