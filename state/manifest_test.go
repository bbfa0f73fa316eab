package state_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"mdlr/api"
	"mdlr/state"
)

func TestManifestRecordsEverySavedFile(t *testing.T) {
	r := newRig(t)
	r.fake.FileContent = []byte("evidence bytes")
	hostile := state.PlanCommand{Type: api.CommandGetFile, Path: `C:\Users\x\MANIFEST.json`}
	v := r.submit(t, "d1", getZip, hostile)
	if err := r.fake.Finish(v.ActionID); err != nil {
		t.Fatal(err)
	}
	r.poll(t)
	dir := filepath.Join(r.out, v.ActionID)
	m, err := state.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(r.fake.FileContent)
	want := []state.ManifestFile{
		{DeviceID: "d1", DeviceName: "d1.corp", ActionID: v.ActionID, CommandIndex: 0, DevicePath: getZip.Path,
			LocalPath: "triage.zip", Size: 14, SHA256: hex.EncodeToString(sum[:]), SavedAt: t0, Requestor: "app@fake"},
		{DeviceID: "d1", DeviceName: "d1.corp", ActionID: v.ActionID, CommandIndex: 1, DevicePath: hostile.Path,
			LocalPath: "_MANIFEST.json", Size: 14, SHA256: hex.EncodeToString(sum[:]), SavedAt: t0, Requestor: "app@fake"},
	}
	if m.Version != state.ManifestVersion || len(m.Files) != 2 {
		t.Fatalf("manifest %+v", m)
	}
	for i := range want {
		if m.Files[i] != want[i] {
			t.Errorf("file %d\n got %+v\nwant %+v", i, m.Files[i], want[i])
		}
	}
	fi, err := os.Stat(filepath.Join(dir, state.ManifestName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("manifest mode %v %v", fi.Mode(), err)
	}
	rep, err := state.VerifyFolder(dir)
	if err != nil || !rep.OK() || len(rep.Extra) != 0 {
		t.Fatalf("verify %+v %v", rep, err)
	}
	// Later polls neither fetch again nor duplicate records.
	r.poll(t)
	if m2, _ := state.ReadManifest(dir); len(m2.Files) != 2 || r.fake.CallCount("SaveFileResult") != 2 {
		t.Fatalf("after another poll: %d records, %d saves", len(m2.Files), r.fake.CallCount("SaveFileResult"))
	}
}

func TestManifestKeepsRenamedFileWhenNameTaken(t *testing.T) {
	r := newRig(t)
	v := r.submit(t, "d1", getZip)
	dir := filepath.Join(r.out, v.ActionID)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "triage.zip"), []byte("earlier evidence"), 0o600); err != nil {
		t.Fatal(err)
	}
	r.fake.Finish(v.ActionID)
	r.poll(t)
	m, err := state.ReadManifest(dir)
	if err != nil || len(m.Files) != 1 || m.Files[0].LocalPath != "triage (2).zip" {
		t.Fatalf("manifest %+v %v", m, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "triage.zip")); string(b) != "earlier evidence" {
		t.Fatal("existing file overwritten")
	}
	rep, _ := state.VerifyFolder(dir)
	if !rep.OK() || strings.Join(rep.Extra, ",") != "triage.zip" {
		t.Fatalf("verify %+v", rep)
	}
}

// evidenceDir writes files and a manifest describing them.
func evidenceDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		content := files[name]
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(content))
		if err := state.AddToManifest(dir, state.ManifestFile{ActionID: "a1", CommandIndex: i, DevicePath: `C:\` + name,
			LocalPath: name, Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:]), SavedAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestVerifyFolder(t *testing.T) {
	cases := []struct {
		name      string
		change    func(t *testing.T, dir string)
		wantOK    bool
		wantState string // state of b.txt
		wantExtra string
	}{
		{"intact", func(*testing.T, string) {}, true, state.CheckOK, ""},
		{"content changed, same size", func(t *testing.T, dir string) { write(t, dir, "b.txt", "BBBB") }, false, state.CheckHash, ""},
		{"size changed", func(t *testing.T, dir string) { write(t, dir, "b.txt", "bb") }, false, state.CheckSize, ""},
		{"missing", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "b.txt")) }, false, state.CheckMissing, ""},
		{"extra file is a note", func(t *testing.T, dir string) { write(t, dir, "c.txt", "new") }, true, state.CheckOK, "c.txt"},
		{"replaced by a symlink", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "b.txt"))
			if err := os.Symlink(filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")); err != nil {
				t.Skip(err)
			}
		}, false, state.CheckNotRegular, ""},
		{"manifest points outside", func(t *testing.T, dir string) {
			editManifest(t, dir, func(m *state.Manifest) { m.Files[1].LocalPath = "../b.txt" })
		}, false, state.CheckUnsafe, "b.txt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := evidenceDir(t, map[string]string{"a.txt": "aaa", "b.txt": "bbbb"})
			c.change(t, dir)
			rep, err := state.VerifyFolder(dir)
			if err != nil {
				t.Fatal(err)
			}
			var got string
			for _, f := range rep.Files {
				if strings.HasSuffix(f.File.LocalPath, "b.txt") {
					got = f.Status
				} else if f.Status != state.CheckOK {
					t.Errorf("a.txt: %s", f.Status)
				}
			}
			if rep.OK() != c.wantOK || got != c.wantState || strings.Join(rep.Extra, ",") != c.wantExtra {
				t.Fatalf("OK %v state %q extra %v; want %v %q %q", rep.OK(), got, rep.Extra, c.wantOK, c.wantState, c.wantExtra)
			}
		})
	}
}

func TestVerifyFolderWithoutManifestIsAnError(t *testing.T) {
	dir := t.TempDir()
	if _, err := state.VerifyFolder(dir); err == nil {
		t.Fatal("no error for a folder without manifest")
	}
	write(t, dir, state.ManifestName, "{not json")
	if _, err := state.VerifyFolder(dir); err == nil || !strings.Contains(err.Error(), "not a valid manifest") {
		t.Fatalf("corrupt manifest: %v", err)
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func editManifest(t *testing.T, dir string, fn func(*state.Manifest)) {
	t.Helper()
	m, err := state.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	fn(&m)
	data, _ := json.Marshal(m)
	write(t, dir, state.ManifestName, string(data))
}
