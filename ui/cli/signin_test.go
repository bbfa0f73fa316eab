package cli

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mdlr/api/mdesim"
)

// deviceOpts is a simulated tenant that approves device sign-ins at the
// first poll, polled every second (the protocol's smallest interval).
func deviceOpts() mdesim.Options {
	return mdesim.Options{DeviceCodeApproveAfter: time.Nanosecond, DeviceCodeInterval: time.Second}
}

func TestSignInCertificateEndToEnd(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	delete(h.env, "AZURE_CLIENT_SECRET")
	h.env["AZURE_CLIENT_CERTIFICATE_PATH"] = writeFile0600(t, "app.pem", mdesim.DemoCertificatePEM())
	stdout, stderr, code := h.run("run", "--json", "--device", winDevice, "--script", "collect-triage.ps1", "--comment", "cert sign-in", "--out", t.TempDir())
	if code != ExitSucceeded {
		t.Fatalf("certificate sign-in run: exit %d\n%s", code, stderr)
	}
	if evs := events(t, stdout); len(eventsOf(evs, "done")) != 1 || eventsOf(evs, "done")[0]["status"] != "Succeeded" {
		t.Fatalf("events = %v", evs)
	}
	stdout, _, code = h.run("whoami")
	if code != 0 || !strings.Contains(stdout, "certificate") || !strings.Contains(stdout, "app "+mdesim.DemoClientID) {
		t.Fatalf("whoami after certificate sign-in: exit %d\n%s", code, stdout)
	}
}

func TestSignInWrongCertificateIsRefusedWithAFix(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	delete(h.env, "AZURE_CLIENT_SECRET")
	h.env["AZURE_CLIENT_CERTIFICATE_PATH"] = writeFile0600(t, "stranger.pem", strangerCertificatePEM(t))
	_, stderr, code := h.run("devices")
	if code != ExitNotSent {
		t.Fatalf("a certificate the app does not know: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "AADSTS700027") || !strings.Contains(strings.ToLower(stderr), "certificate") {
		t.Fatalf("the error does not explain the certificate problem:\n%s", stderr)
	}
	// A missing certificate file names the file.
	h.env["AZURE_CLIENT_CERTIFICATE_PATH"] = filepath.Join(t.TempDir(), "missing.pem")
	if _, stderr, code = h.run("devices"); code != ExitNotSent || !strings.Contains(stderr, "missing.pem") {
		t.Fatalf("missing certificate: exit %d\n%s", code, stderr)
	}
}

func TestSignInDeviceCodeCachesThenResumesThenLogout(t *testing.T) {
	h := newHarness(t, deviceOpts())
	delete(h.env, "AZURE_CLIENT_SECRET")
	cache := TokenCachePath(h.env["MDLR_STATE_DIR"], DefaultProfileName)

	_, stderr, code := h.run("run", "--sign-in", "devicecode", "--json", "--device", winDevice, "--script", "collect-triage.ps1", "--comment", "as a person", "--out", t.TempDir())
	if code != ExitSucceeded {
		t.Fatalf("device code run: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "To sign in, open ") || !strings.Contains(stderr, "/devicelogin and enter code ") {
		t.Fatalf("the device code was not shown on stderr:\n%s", stderr)
	}
	st, err := os.Stat(cache)
	if err != nil {
		t.Fatalf("no token cache after device sign-in: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("token cache mode %v, want 0600", st.Mode().Perm())
	}

	// Second start: no prompt, the cached sign-in is used.
	stdout, stderr, code := h.run("whoami", "--sign-in", "devicecode")
	if code != 0 || strings.Contains(stderr, "enter code") {
		t.Fatalf("second start prompted again or failed: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, mdesim.DemoUser) || !strings.Contains(stdout, "delegated") {
		t.Fatalf("whoami does not name the signed-in user:\n%s", stdout)
	}

	stdout, _, code = h.run("logout")
	if code != 0 || !strings.Contains(stdout, "signed out") {
		t.Fatalf("logout: exit %d: %s", code, stdout)
	}
	if _, err := os.Stat(cache); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("logout left the token cache: %v", err)
	}
	if stdout, _, _ = h.run("logout"); !strings.Contains(stdout, "no saved sign-in") {
		t.Fatalf("second logout: %s", stdout)
	}
	// After logout the next start prompts again.
	if _, stderr, code = h.run("devices", "--sign-in", "devicecode"); code != 0 || !strings.Contains(stderr, "enter code") {
		t.Fatalf("after logout: exit %d, no prompt:\n%s", code, stderr)
	}
}

func TestSignInDeviceCodeProfilesHaveTheirOwnCache(t *testing.T) {
	h := newHarness(t, deviceOpts())
	delete(h.env, "AZURE_CLIENT_SECRET")
	h.env["MDLR_CONFIG"] = writeFile0600(t, "config.toml", []byte("[profiles.lab]\nsign_in = \"devicecode\"\n[profiles.other]\nsign_in = \"devicecode\"\n"))
	if _, stderr, code := h.run("devices", "--profile", "lab"); code != 0 {
		t.Fatalf("lab sign-in: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(TokenCachePath(h.env["MDLR_STATE_DIR"], "lab")); err != nil {
		t.Fatalf("no cache for profile lab: %v", err)
	}
	h.env["MDLR_PROFILE"] = "other"
	if _, stderr, _ := h.run("devices"); !strings.Contains(stderr, "enter code") {
		t.Fatalf("profile other reused lab's sign-in:\n%s", stderr)
	}
	if stdout, _, _ := h.run("logout", "--all"); strings.Count(stdout, "signed out") != 2 {
		t.Fatalf("logout --all: %s", stdout)
	}
}

func TestSignInDeviceCodeCancelStopsWaiting(t *testing.T) {
	h := newHarness(t, mdesim.Options{DeviceCodeApproveAfter: -1, DeviceCodeInterval: time.Second})
	delete(h.env, "AZURE_CLIENT_SECRET")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := time.Now()
	_, stderr, code := h.runCtx(ctx, func(line string) {
		if strings.Contains(line, "enter code") {
			cancel() // ctrl+c while the code is shown
		}
	}, "devices", "--sign-in", "devicecode")
	if code != ExitNotSent || !strings.Contains(stderr, "sign-in cancelled") {
		t.Fatalf("cancelled sign-in: exit %d\n%s", code, stderr)
	}
	if time.Since(started) > 20*time.Second {
		t.Fatalf("cancelling took %s", time.Since(started))
	}
	if _, err := os.Stat(filepath.Join(h.env["MDLR_STATE_DIR"], "tokens")); err == nil {
		entries, _ := os.ReadDir(filepath.Join(h.env["MDLR_STATE_DIR"], "tokens"))
		if len(entries) > 0 {
			t.Fatalf("a cancelled sign-in left a token cache: %v", entries)
		}
	}
	if len(h.sim.PendingDeviceCodes()) != 1 {
		t.Fatalf("the device code was never requested: %v", h.sim.PendingDeviceCodes())
	}
}

func TestSignInDeviceCodeEphemeralKeepsNothing(t *testing.T) {
	h := newHarness(t, deviceOpts())
	delete(h.env, "AZURE_CLIENT_SECRET")
	if _, stderr, code := h.run("devices", "--sign-in", "devicecode", "--ephemeral"); code != 0 {
		t.Fatalf("ephemeral sign-in: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(h.env["MDLR_STATE_DIR"], "tokens")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("--ephemeral wrote a token cache (%v)", err)
	}
	// And the next start must sign in again.
	if _, stderr, _ := h.run("devices", "--sign-in", "devicecode", "--ephemeral"); !strings.Contains(stderr, "enter code") {
		t.Fatalf("an ephemeral start did not prompt:\n%s", stderr)
	}
}

func TestSignInDeviceCodeExpiredRefreshTokenPromptsAgain(t *testing.T) {
	h := newHarness(t, deviceOpts())
	delete(h.env, "AZURE_CLIENT_SECRET")
	if _, stderr, code := h.run("devices", "--sign-in", "devicecode"); code != 0 {
		t.Fatalf("first sign-in: exit %d\n%s", code, stderr)
	}
	h.sim.ExpireRefreshTokens()
	_, stderr, code := h.run("devices", "--sign-in", "devicecode")
	if code != 0 {
		t.Fatalf("sign-in after the refresh token expired: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "no longer works (expired or revoked") || !strings.Contains(stderr, "enter code") {
		t.Fatalf("an expired saved sign-in should be explained and replaced by a prompt:\n%s", stderr)
	}
}

func TestSignInDeviceCodeTokenExpiresMidRunAndIsRefreshed(t *testing.T) {
	opts := deviceOpts()
	opts.TokenLifetime = 3 * time.Minute
	h, toks := newWrappedHarness(t, opts, wrapOptions{tokenLie: 10 * time.Minute})
	delete(h.env, "AZURE_CLIENT_SECRET")
	out := t.TempDir()
	stdout, stderr, code := h.run("run", "--sign-in", "devicecode", "--json", "--device", winDevice,
		"--script", mdesim.ScriptSlow, "--getfile", `C:\Windows\Temp\triage.zip`, "--comment", "long", "--out", out)
	if code != ExitSucceeded {
		t.Fatalf("run across token expiry: exit %d\n%s", code, stderr)
	}
	issued := toks.all()
	if len(issued) < 2 {
		t.Fatalf("the access token was never renewed (%d issued)", len(issued))
	}
	// Neither access tokens nor the refresh token leak into output or files
	// other than the token cache, which holds the refresh token only.
	cache := TokenCachePath(h.env["MDLR_STATE_DIR"], DefaultProfileName)
	b, err := os.ReadFile(cache)
	if err != nil {
		t.Fatalf("no token cache: %v", err)
	}
	var saved struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := jsonUnmarshal(string(b), &saved); err != nil || saved.RefreshToken == "" {
		t.Fatalf("token cache has no refresh token (%v)", err)
	}
	if found := containsAny(b, issued); len(found) > 0 {
		t.Errorf("the token cache holds an access token")
	}
	secrets := append(issued, saved.RefreshToken)
	files := filesUnder(t, h.env["MDLR_STATE_DIR"])
	for p, b := range filesUnder(t, out) {
		files[p] = b
	}
	for p, b := range files {
		if p != cache && len(containsAny(b, secrets)) > 0 {
			t.Errorf("%s holds a token", p)
		}
	}
	if len(containsAny([]byte(stdout+stderr), secrets)) > 0 {
		t.Errorf("output holds a token")
	}
}

func TestSignInDeviceCodePublicClientNotAllowedSaysHowToFix(t *testing.T) {
	h := newHarness(t, deviceOpts())
	delete(h.env, "AZURE_CLIENT_SECRET")
	h.env["AZURE_CLIENT_ID"] = mdesim.DemoReadOnlyClientID // public client flows are off on this app
	_, stderr, code := h.run("devices", "--sign-in", "devicecode")
	if code != ExitNotSent || !strings.Contains(stderr, "AADSTS7000218") || !strings.Contains(strings.ToLower(stderr), "public client") {
		t.Fatalf("public client flows not allowed: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(h.env["MDLR_STATE_DIR"], "tokens")); err == nil {
		if e, _ := os.ReadDir(filepath.Join(h.env["MDLR_STATE_DIR"], "tokens")); len(e) > 0 {
			t.Fatalf("a refused sign-in was cached: %v", e)
		}
	}
}
