package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mdlr/api"
	"mdlr/api/mdesim"
	"mdlr/state"
)

// auditPath finds the audit log under the harness's state directory.
func auditPath(t *testing.T, h *harness) string {
	t.Helper()
	var found string
	filepath.WalkDir(h.env["MDLR_STATE_DIR"], func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == state.AuditFileName {
			found = p
		}
		return nil
	})
	if found == "" {
		t.Fatal("no audit log written")
	}
	return found
}

func auditKinds(entries []state.AuditEntry) string {
	parts := make([]string, len(entries))
	for i, e := range entries {
		parts[i] = e.Kind + "/" + e.Phase + "/" + e.Result
	}
	return strings.Join(parts, ",")
}

func TestAuditCommandListsChangesAndDetectsTampering(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	if _, stderr, code := h.run("run", "--device", winDevice, "--script", "collect-triage.ps1",
		"--comment", "IR-90 triage", "--out", t.TempDir()); code != ExitSucceeded {
		t.Fatalf("run: %d %s", code, stderr)
	}
	if _, _, code := h.run("run", "--device", mdesim.DeviceBusy, "--script", "collect-triage.ps1",
		"--comment", "IR-91", "--out", t.TempDir()); code == ExitSucceeded {
		t.Fatal("busy device accepted a second action")
	}
	if _, _, code := h.run("cancel", "0b8f6d2e-1c4a-4e0b-9d7e-3f5a6b7c8d9e", "--comment", "wrong box"); code == 0 {
		t.Fatal("cancel of an unknown action succeeded")
	}

	stdout, stderr, code := h.run("audit", "--json")
	var entries []state.AuditEntry
	if err := json.Unmarshal([]byte(stdout), &entries); err != nil || code != 0 {
		t.Fatalf("audit --json exit %d: %v\n%s", code, err, stderr)
	}
	want := "submit/intent/,submit/outcome/ok,submit/intent/,submit/outcome/rejected,cancel/intent/,cancel/outcome/rejected"
	if got := auditKinds(entries); got != want {
		t.Fatalf("entries\n got %s\nwant %s", got, want)
	}
	first := entries[0]
	var body bytes.Buffer
	json.Compact(&body, first.Request)
	if !strings.Contains(body.String(), `"Comment":"IR-90 triage"`) || first.DeviceName != winDevice ||
		first.Tenant != mdesim.DemoTenantID || !strings.HasPrefix(first.Identity, "app:"+mdesim.DemoClientID+" (oid ") {
		t.Fatalf("submit intent %+v (request %s)", first, first.Request)
	}
	if entries[1].ActionID == "" || entries[3].ActionID != "" || entries[4].Comment != "wrong box" {
		t.Fatalf("outcomes %+v", entries)
	}

	table, _, _ := h.run("audit")
	if !strings.Contains(table, "SEQ") || !strings.Contains(table, "rejected") || !strings.Contains(table, "comment: wrong box") {
		t.Fatalf("audit table:\n%s", table)
	}
	out, _, code := h.run("audit", "verify")
	if code != ExitAuditIntact || !strings.Contains(out, "intact: 6 entries") {
		t.Fatalf("verify exit %d:\n%s", code, out)
	}

	// Change one byte of line 2.
	path := auditPath(t, h)
	data, _ := os.ReadFile(path)
	lines := bytes.SplitAfter(data, []byte("\n"))
	lines[1] = bytes.Replace(lines[1], []byte(`"result":"ok"`), []byte(`"result":"OK"`), 1)
	if err := os.WriteFile(path, bytes.Join(lines, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, code = h.run("audit", "verify")
	if code != ExitAuditTampered || !strings.Contains(out, "TAMPERED: line 2:") {
		t.Fatalf("tampered log: exit %d:\n%s", code, out)
	}
	out, _, code = h.run("audit", "verify", "--json")
	var rep struct {
		Intact   bool
		Problems []state.AuditProblem
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != ExitAuditTampered || rep.Intact || rep.Problems[0].Line != 2 {
		t.Fatalf("verify --json exit %d %v: %s", code, err, out)
	}
	if _, _, code := h.run("audit", "bogus"); code != ExitBadInput {
		t.Fatalf("audit bogus: exit %d", code)
	}
}

func TestNoSecretOrTokenInAuditManifestOrJournal(t *testing.T) {
	const secret = "CANARY-s3cr3t-7f1e9b"
	h := newHarness(t, mdesim.Options{ClientSecret: secret})
	h.env["AZURE_CLIENT_SECRET"] = secret
	tokens := map[string]bool{}
	h.onRequest = func(r *http.Request) {
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && tok != "" {
			h.mu.Lock()
			tokens[tok] = true
			h.mu.Unlock()
		}
	}
	dir := collectEvidence(t, h)
	stdout, stderr, _ := h.run("cancel", "0b8f6d2e-1c4a-4e0b-9d7e-3f5a6b7c8d9e", "--comment", "x")
	a, b, _ := h.run("audit", "--json")
	stdout, stderr = stdout+a, stderr+b

	h.mu.Lock()
	defer h.mu.Unlock()
	if len(tokens) == 0 {
		t.Fatal("no bearer token seen: the scan would prove nothing")
	}
	needles := []string{secret, "Bearer "}
	for tok := range tokens {
		needles = append(needles, tok)
		if i := strings.LastIndexByte(tok, '.'); i > 0 { // a JWT's signature alone is a secret too
			needles = append(needles, tok[i+1:])
		}
	}
	scanned := map[string]bool{}
	for _, root := range []string{h.env["MDLR_STATE_DIR"], dir} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			scanned[d.Name()] = true
			for _, n := range needles {
				if bytes.Contains(data, []byte(n)) {
					t.Errorf("%s contains a secret or token (%.12s…)", p, n)
				}
			}
			return nil
		})
	}
	for _, name := range []string{state.AuditFileName, state.ManifestName, "triage.zip"} {
		if !scanned[name] {
			t.Errorf("%s was not scanned (files: %v)", name, scanned)
		}
	}
	for _, n := range needles {
		if strings.Contains(stdout+stderr, n) {
			t.Errorf("command output contains a secret or token (%.12s…)", n)
		}
	}
}

func TestIdentityLabelIsClaimsNeverTheToken(t *testing.T) {
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	jwt := func(payload string) string {
		return b64(`{"alg":"RS256"}`) + "." + b64(payload) + "." + b64("signature-bytes")
	}
	cases := []struct{ name, token, want string }{
		{"delegated user", jwt(`{"upn":"alice@contoso.com","oid":"u-1","tid":"t-1","scp":"Machine.LiveResponse"}`), "alice@contoso.com (oid u-1)"},
		{"application", jwt(`{"appid":"app-9","oid":"sp-2","roles":["Machine.LiveResponse"]}`), "app:app-9 (oid sp-2)"},
		{"control characters stripped", jwt(`{"upn":"eve\u001b[2J@x"}`), "eve[2J@x"},
		{"no identity claims", jwt(`{"aud":"x"}`), ""},
	}
	for _, c := range cases {
		claims, err := api.ParseClaims(c.token)
		got := identityLabel(claims)
		if err != nil || got != c.want || strings.Contains(got, "signature") {
			t.Errorf("%s: got %q (%v), want %q", c.name, got, err, c.want)
		}
	}
	if got := sessionIdentity(nil, "client-7")(context.Background()); got != "app:client-7" {
		t.Errorf("fallback identity %q", got)
	}
}
