package state

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mdlr/api"
)

func openTestJournal(t *testing.T) *Journal {
	t.Helper()
	j, err := OpenJournal(filepath.Join(t.TempDir(), "state"))
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func perm(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestOpenJournalPermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, filepath.Join(dir, "actions"), filepath.Join(dir, "results")} {
		if p := perm(t, d); p != 0o700 {
			t.Errorf("%s has mode %o, want 700", d, p)
		}
	}
	e, err := j.Create(Entry{Device: winDev, Plan: validPlan(), Request: validPlan().Request()})
	if err != nil {
		t.Fatal(err)
	}
	if p := perm(t, filepath.Join(dir, "actions", e.IntentID+".json")); p != 0o600 {
		t.Errorf("entry mode %o, want 600", p)
	}
	rel, err := j.SaveScriptResult("act-1", 2, api.ScriptResult{ScriptOutput: "out"})
	if err != nil {
		t.Fatal(err)
	}
	if rel != "results/act-1-2.json" || perm(t, filepath.Join(dir, rel)) != 0o600 {
		t.Errorf("result file %s mode %o", rel, perm(t, filepath.Join(dir, rel)))
	}
}

func TestJournalCreateGetUpdate(t *testing.T) {
	j := openTestJournal(t)
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	e, err := j.Create(Entry{CreatedAt: created, Tenant: "contoso", Device: winDev, Plan: validPlan(), Request: validPlan().Request()})
	if err != nil {
		t.Fatal(err)
	}
	if !validIntentID(e.IntentID) || e.Phase != PhaseIntent || e.CreatedAt.Location() != time.UTC {
		t.Fatalf("created entry %+v", e)
	}
	if _, err := j.Create(Entry{IntentID: e.IntentID}); err == nil {
		t.Fatal("duplicate intent id accepted")
	}
	got, err := j.Get(e.IntentID)
	if err != nil || got.Tenant != "contoso" || !got.CreatedAt.Equal(created) || got.Request.Comment != "IR-1" {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	upd, err := j.Update(e.IntentID, func(x *Entry) { x.Phase = PhaseSubmitted; x.ActionID = "abc-1" })
	if err != nil || upd.ActionID != "abc-1" {
		t.Fatalf("Update = %+v, %v", upd, err)
	}
	got, _ = j.Get(e.IntentID)
	if got.Phase != PhaseSubmitted || got.ActionID != "abc-1" {
		t.Fatalf("update not persisted: %+v", got)
	}
	if _, err := j.Update(e.IntentID, func(x *Entry) { x.IntentID = "0000000000000000" }); err == nil {
		t.Fatal("Update allowed changing the id")
	}
	if _, err := j.Get("../../etc/passwd"); err == nil {
		t.Fatal("Get accepted a path")
	}
	matches, _ := filepath.Glob(filepath.Join(j.Dir(), "actions", ".*"))
	if len(matches) != 0 {
		t.Fatalf("temp files left behind: %v", matches)
	}
}

func TestJournalListSurvivesCorruptFiles(t *testing.T) {
	j := openTestJournal(t)
	var ids []string
	for i := range 3 {
		e, err := j.Create(Entry{CreatedAt: time.Unix(int64(1000+i), 0), Device: winDev})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.IntentID)
	}
	if _, err := j.Update(ids[2], func(x *Entry) { x.Phase = PhaseDone }); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(j.Dir(), "actions", ids[0]+".json")
	data, _ := os.ReadFile(good)
	truncated := filepath.Join(j.Dir(), "actions", "0123456789abcdef.json")
	if err := os.WriteFile(truncated, data[:len(data)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(j.Dir(), "actions", "fedcba9876543210.json")
	if err := os.WriteFile(garbage, []byte(`{"IntentID":"fedcba9876543210","Phase":"exploded"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	entries, errs := j.List()
	if len(entries) != 3 || len(errs) != 2 {
		t.Fatalf("List = %d entries, errors %v", len(entries), errs)
	}
	joined := errs[0].Error() + errs[1].Error()
	for _, name := range []string{"0123456789abcdef.json", "fedcba9876543210.json"} {
		if !strings.Contains(joined, name) {
			t.Errorf("errors do not name %s: %s", name, joined)
		}
	}
	if entries[0].IntentID != ids[0] || entries[2].IntentID != ids[2] {
		t.Errorf("List not oldest first: %v", entries)
	}
	unfinished, _ := j.Unfinished()
	if len(unfinished) != 2 {
		t.Errorf("Unfinished = %d entries, want 2", len(unfinished))
	}
}

func TestJournalScriptResultRoundTrip(t *testing.T) {
	j := openTestJournal(t)
	big := strings.Repeat("line of output\n", 10000) + "\x00\x00"
	if _, err := j.SaveScriptResult("a1", 0, api.ScriptResult{ScriptName: "s", ExitCode: 3, ScriptOutput: big}); err != nil {
		t.Fatal(err)
	}
	r, err := j.LoadScriptResult("a1", 0)
	if err != nil || r.ScriptOutput != big || r.ExitCode != 3 {
		t.Fatalf("round trip failed: %v", err)
	}
	if _, err := j.LoadScriptResult("a1", 1); err == nil {
		t.Fatal("missing result loaded")
	}
	if _, err := j.SaveScriptResult("../x", 0, r); err == nil {
		t.Fatal("unsafe action id accepted")
	}
}

func TestDefaultStateDir(t *testing.T) {
	t.Setenv("MDLR_STATE_DIR", "/tmp/explicit")
	t.Setenv("XDG_STATE_HOME", "/tmp/xdg")
	if d, _ := DefaultStateDir(); d != "/tmp/explicit" {
		t.Errorf("got %s", d)
	}
	t.Setenv("MDLR_STATE_DIR", "")
	if d, _ := DefaultStateDir(); d != "/tmp/xdg/mdlr" {
		t.Errorf("got %s", d)
	}
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "/home/u")
	if d, _ := DefaultStateDir(); d != "/home/u/.local/state/mdlr" {
		t.Errorf("got %s", d)
	}
}
