package state_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mdlr/api"
	"mdlr/state"
	"mdlr/state/statetest"
)

// auditRig is a rig whose engine records an identity.
func auditRig(t *testing.T) *rig {
	t.Helper()
	r := newRig(t)
	r.eng = state.NewEngine(r.fake, r.j, state.EngineOptions{Tenant: "contoso", OutRoot: r.out, Now: r.clock.Now,
		Identity: func(context.Context) string { return "analyst@contoso.com" }})
	return r
}

func readAuditT(t *testing.T, dir string) []state.AuditEntry {
	t.Helper()
	entries, err := state.ReadAudit(dir)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// kinds summarises entries as "kind/phase/result".
func kinds(entries []state.AuditEntry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Kind + "/" + e.Phase + "/" + e.Result
	}
	return out
}

func TestAuditSubmitIntentBeforeCallThenOutcome(t *testing.T) {
	r := auditRig(t)
	p := plan("d1", runScript, getZip)
	var atCall []state.AuditEntry
	r.fake.BeforeSubmit = func(string, api.RunLiveResponseRequest) error {
		atCall = readAuditT(t, r.j.Dir())
		return nil
	}
	v, err := r.eng.Submit(context.Background(), p, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(atCall) != 1 || atCall[0].Phase != state.AuditIntent || atCall[0].Kind != state.AuditSubmit {
		t.Fatalf("audit at submission time = %v", kinds(atCall))
	}
	want, _ := json.Marshal(p.Request())
	in := atCall[0]
	if !bytes.Equal(in.Request, want) || in.DeviceID != "d1" || in.DeviceName != "d1.corp" || in.Tenant != "contoso" ||
		in.Identity != "analyst@contoso.com" || in.IntentID != v.IntentID || in.Time != t0 {
		t.Fatalf("intent entry %+v (request %s)", in, in.Request)
	}
	entries := readAuditT(t, r.j.Dir())
	if got := kinds(entries); strings.Join(got, ",") != "submit/intent/,submit/outcome/ok" {
		t.Fatalf("entries %v", got)
	}
	if entries[1].ActionID != v.ActionID || entries[1].IntentID != v.IntentID {
		t.Fatalf("outcome %+v, action %s", entries[1], v.ActionID)
	}
}

func TestAuditSubmitRejectedAndUnknown(t *testing.T) {
	r := auditRig(t)
	r.fake.FailNext("SubmitLiveResponse", statetest.Busy())
	if _, err := r.eng.Submit(context.Background(), plan("d1", runScript), ""); err == nil {
		t.Fatal("busy device accepted")
	}
	r.fake.LoseSubmitResponse = true
	r.eng.Submit(context.Background(), plan("d2", runScript), "")
	entries := readAuditT(t, r.j.Dir())
	got := strings.Join(kinds(entries), ",")
	if got != "submit/intent/,submit/outcome/rejected,submit/intent/,submit/outcome/unknown" {
		t.Fatalf("entries %s", got)
	}
	if !strings.Contains(entries[1].Error, "already in progress") || entries[1].ActionID != "" {
		t.Fatalf("rejection %+v", entries[1])
	}
}

func TestAuditRefusesChangesWhenLogCannotBeWritten(t *testing.T) {
	r := auditRig(t)
	// A directory where the log should be: every append fails.
	if err := os.Mkdir(filepath.Join(r.j.Dir(), state.AuditFileName), 0o700); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, serr := r.eng.Submit(ctx, plan("d1", runScript), "")
	_, cerr := r.eng.Cancel(ctx, "00000000-0000-4000-8000-000000000001", "stop")
	_, uerr := r.eng.UploadLibraryFile(ctx, api.UploadRequest{FileName: "a.ps1", Content: strings.NewReader("x")})
	derr := r.eng.DeleteLibraryFile(ctx, "a.ps1")
	for _, err := range []error{serr, cerr, uerr, derr} {
		if err == nil || !strings.Contains(err.Error(), "audit log") {
			t.Errorf("change not refused: %v", err)
		}
	}
	if n := len(r.fake.Calls()); n != 0 {
		t.Fatalf("the tenant was called %d times: %v", n, r.fake.Calls())
	}
	if list, _ := r.j.List(); len(list) != 0 {
		t.Fatalf("journal has %d intents", len(list))
	}
}

func TestAuditCancelUploadDeleteInOrder(t *testing.T) {
	r := auditRig(t)
	ctx := context.Background()
	v := r.submit(t, "d1", runScript)
	if _, err := r.eng.Cancel(ctx, v.ActionID, "wrong device"); err != nil {
		t.Fatal(err)
	}
	content := "Get-Process | Out-File C:\\procs.txt\n"
	if _, err := r.eng.UploadLibraryFile(ctx, api.UploadRequest{FileName: "procs.ps1", Content: strings.NewReader(content),
		Description: "list processes"}); err != nil {
		t.Fatal(err)
	}
	if err := r.eng.DeleteLibraryFile(ctx, "procs.ps1"); err != nil {
		t.Fatal(err)
	}
	if err := r.eng.DeleteLibraryFile(ctx, "absent.ps1"); err == nil {
		t.Fatal("deleting a missing file succeeded")
	}
	entries := readAuditT(t, r.j.Dir())
	want := "submit/intent/,submit/outcome/ok,cancel/intent/,cancel/outcome/ok,library.upload/intent/,library.upload/outcome/ok," +
		"library.delete/intent/,library.delete/outcome/ok,library.delete/intent/,library.delete/outcome/rejected"
	if got := strings.Join(kinds(entries), ","); got != want {
		t.Fatalf("entries\n got %s\nwant %s", got, want)
	}
	c := entries[2]
	if c.ActionID != v.ActionID || c.Comment != "wrong device" || string(c.Request) != `{"Comment":"wrong device"}` || c.DeviceID != "d1" {
		t.Fatalf("cancel intent %+v", c)
	}
	sum := sha256.Sum256([]byte(content))
	up := entries[4].File
	if up == nil || up.Name != "procs.ps1" || up.Size != int64(len(content)) || up.SHA256 != hex.EncodeToString(sum[:]) ||
		up.Description != "list processes" {
		t.Fatalf("upload intent %+v", up)
	}
	if entries[8].File.Name != "absent.ps1" || !strings.Contains(entries[9].Error, "not found") {
		t.Fatalf("failed delete %+v", entries[9])
	}
	if rep, err := state.VerifyAudit(r.j.Dir()); err != nil || !rep.Intact() || rep.Entries != 10 {
		t.Fatalf("verify %+v %v", rep, err)
	}
	if r.eng.AuditError() != nil {
		t.Fatal(r.eng.AuditError())
	}
}

func TestAuditUploadTooLargeIsNotSent(t *testing.T) {
	r := auditRig(t)
	big := bytes.NewReader(make([]byte, api.MaxUploadBytes+1))
	_, err := r.eng.UploadLibraryFile(context.Background(), api.UploadRequest{FileName: "big.bin", Content: big})
	if !errors.Is(err, api.ErrUploadTooLarge) || r.fake.CallCount("UploadLibraryFile") != 0 {
		t.Fatalf("err %v, calls %v", err, r.fake.Calls())
	}
}
