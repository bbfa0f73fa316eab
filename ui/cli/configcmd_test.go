package cli

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"mdlr/api/mdesim"
)

func TestConfigCommandRedactsSecretsAndNamesSources(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	const secret, password = "s3cr3t-value-that-must-not-leak", "pfx-password-that-must-not-leak"
	h.env["AZURE_CLIENT_SECRET"] = secret
	h.env["AZURE_CLIENT_CERTIFICATE_PASSWORD"] = password
	h.env["MDLR_CONFIG"] = filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(h.env["MDLR_CONFIG"], []byte(profilesTOML), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := h.run("config", "--cloud", "gcc")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, out := range []string{stdout, stderr} {
		if found := containsAny([]byte(out), []string{secret, password}); len(found) > 0 {
			t.Fatalf("mdlr config printed a secret:\n%s", out)
		}
	}
	lines := map[string]string{}
	for _, l := range strings.Split(stdout, "\n") {
		if f := strings.Fields(l); len(f) > 1 {
			lines[f[0]] = l
		}
	}
	for name, want := range map[string][]string{
		"client_secret":        {redacted, "env AZURE_CLIENT_SECRET"},
		"certificate_password": {redacted, "env AZURE_CLIENT_CERTIFICATE_PASSWORD"},
		"tenant":               {mdesim.DemoTenantID, "env AZURE_TENANT_ID"},
		"profile":              {"prod", "config file default_profile"},
		"cloud":                {"gcc", "flag --cloud"},
		"scope":                {"https://profile.example/.default", `profile "prod"`},
		"calls_per_minute":     {"40", `profile "prod"`},
		"calls_per_hour":       {"1500", "default"},
		"api_url":              {h.srv.URL, "env MDLR_API_URL"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[name], w) {
				t.Errorf("%s line %q lacks %q", name, lines[name], w)
			}
		}
	}

	stdout, _, code = h.run("config", "--json")
	if code != 0 || len(containsAny([]byte(stdout), []string{secret, password})) > 0 {
		t.Fatalf("config --json: exit %d or leaked a secret:\n%s", code, stdout)
	}
	var v struct {
		Settings []Setting `json:"settings"`
	}
	if err := jsonUnmarshal(stdout, &v); err != nil {
		t.Fatal(err)
	}
	got := map[string]Setting{}
	for _, s := range v.Settings {
		got[s.Name] = s
	}
	if got["client_secret"].Value != redacted || got["profile"].Value != "prod" || got["sign_in"].Value != SignInDeviceCode {
		t.Fatalf("json settings = %+v", v.Settings)
	}
}

func TestConfigCommandSecretFileIsRedacted(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	delete(h.env, "AZURE_CLIENT_SECRET")
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte("file-secret-must-not-leak\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.env["MDLR_CLIENT_SECRET_FILE"] = path
	stdout, stderr, code := h.run("config")
	if code != 0 || strings.Contains(stdout+stderr, "file-secret-must-not-leak") {
		t.Fatalf("exit %d, output leaks the secret:\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "MDLR_CLIENT_SECRET_FILE="+path) {
		t.Fatalf("the secret's source is not named:\n%s", stdout)
	}
}

func TestReadOnlyRefusesRunAndCancel(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	var requests atomic.Int32
	h.onRequest = func(*http.Request) { requests.Add(1) }
	stdout, stderr, code := h.run("run", "--read-only", "--json", "--device", winDevice, "--script", "collect-triage.ps1", "--comment", "x")
	if code != ExitBadInput || !strings.Contains(stderr, "read-only mode (flag --read-only)") {
		t.Fatalf("run --read-only: exit %d, stderr %s", code, stderr)
	}
	if evs := events(t, stdout); len(evs) != 1 || evs[0]["kind"] != "bad-input" {
		t.Fatalf("events = %v", evs)
	}
	h.env["MDLR_READ_ONLY"] = "1"
	_, stderr, code = h.run("cancel", "some-action", "--comment", "x")
	if code != ExitBadInput || !strings.Contains(stderr, "env MDLR_READ_ONLY") {
		t.Fatalf("cancel read-only: exit %d, stderr %s", code, stderr)
	}
	if n := requests.Load(); n != 0 {
		t.Fatalf("read-only refusals still reached the tenant: %d requests", n)
	}
	// Listing still works read-only.
	if _, stderr, code := h.run("library"); code != 0 {
		t.Fatalf("library read-only: exit %d: %s", code, stderr)
	}
}
