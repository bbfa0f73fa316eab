package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mdlr/api/mdesim"
)

func TestWhoamiNamesTheMissingPermissionAndTheFeature(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	h.env["AZURE_CLIENT_ID"] = mdesim.DemoReadOnlyClientID
	h.env["AZURE_CLIENT_SECRET"] = mdesim.DemoReadOnlyClientSecret
	stdout, stderr, code := h.run("whoami")
	if code != 1 {
		t.Fatalf("whoami with a permission missing: exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	var missing []string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.Contains(l, "MISSING") {
			missing = append(missing, l)
		}
	}
	joined := strings.Join(missing, "\n")
	for _, perm := range []string{"Machine.LiveResponse", "Library.Manage"} {
		if !strings.Contains(joined, "grant "+perm) {
			t.Errorf("no MISSING line names %s:\n%s", perm, stdout)
		}
	}
	if strings.Contains(joined, "Machine.Read.All") && !strings.Contains(joined, "grant Machine.ReadWrite.All") {
		t.Errorf("listing devices is granted by Machine.Read.All but reported missing:\n%s", joined)
	}
	if !strings.Contains(stdout, "app "+mdesim.DemoReadOnlyClientID) || !strings.Contains(stdout, mdesim.DemoTenantID) {
		t.Errorf("whoami does not name the app and tenant:\n%s", stdout)
	}

	// JSON names the same features; the full app passes.
	stdout, _, code = h.run("whoami", "--json")
	var w WhoAmI
	if err := jsonUnmarshal(stdout, &w); err != nil || code != 1 || w.Missing < 2 || w.Delegated {
		t.Fatalf("whoami --json: exit %d, %+v (%v)", code, w, err)
	}
	h.env["AZURE_CLIENT_ID"], h.env["AZURE_CLIENT_SECRET"] = mdesim.DemoClientID, mdesim.DemoClientSecret
	if stdout, stderr, code = h.run("whoami"); code != 0 || strings.Contains(stdout, "MISSING") {
		t.Fatalf("whoami with every permission: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestWhoamiCannotSignInExits3(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	h.env["AZURE_CLIENT_SECRET"] = "wrong-secret-value"
	stdout, stderr, code := h.run("whoami")
	if code != ExitNotSent || stdout != "" {
		t.Fatalf("wrong secret: exit %d, stdout %q", code, stdout)
	}
	if !strings.Contains(stderr, "AADSTS7000215") || strings.Contains(stderr, "wrong-secret-value") {
		t.Fatalf("the error should name the Entra code and never the secret:\n%s", stderr)
	}
}

func TestWhoamiAzureCLIMissingIsExplained(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	t.Setenv("PATH", t.TempDir()) // no az here
	_, stderr, code := h.run("whoami", "--sign-in", "azcli")
	if code != ExitNotSent || !strings.Contains(stderr, "az") {
		t.Fatalf("azcli without az: exit %d\n%s", code, stderr)
	}
}

func TestDemoDeviceCodeSignInIsApprovedAutomatically(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the demo tenant's automatic approval (3s real time)")
	}
	state := t.TempDir()
	env := map[string]string{"MDLR_STATE_DIR": state, "XDG_CONFIG_HOME": t.TempDir(), "MDLR_DEMO_DEVICES": "20"}
	h := &harness{t: t, clock: newFakeClock(), env: env}
	stdout, stderr, code := h.runCtx(context.Background(), nil, "whoami", "--demo", "--sign-in", "devicecode")
	if code != 0 {
		t.Fatalf("demo device sign-in: exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "enter code") || !strings.Contains(stdout, mdesim.DemoUser) || !strings.Contains(stdout, "simulated tenant") {
		t.Fatalf("demo device sign-in output:\n%s\n%s", stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(state, "demo", "tokens", DefaultProfileName+".json")); err != nil {
		t.Fatalf("the demo sign-in was not cached beside the demo journal: %v", err)
	}
	// Certificate sign-in works in demo too (with the published demo certificate).
	if stdout, stderr, code = h.runCtx(context.Background(), nil, "whoami", "--demo", "--sign-in", "certificate"); code != 0 || !strings.Contains(stdout, "certificate") {
		t.Fatalf("demo certificate sign-in: exit %d\n%s%s", code, stdout, stderr)
	}
}
