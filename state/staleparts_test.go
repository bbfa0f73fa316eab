package state_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestDownloadRemovesStaleTempFilesOnly checks that downloading a GetFile
// result removes the temp files a killed download of it left behind, and
// nothing else: no other names, no symlinks (nor their targets), no folders.
func TestDownloadRemovesStaleTempFilesOnly(t *testing.T) {
	r := newRig(t)
	v := r.submit(t, "d1", getZip)
	dir := filepath.Join(r.out, v.ActionID)
	if err := os.MkdirAll(filepath.Join(dir, ".triage.zip.88.part"), 0o700); err != nil {
		t.Fatal(err)
	}
	stale := []string{".triage.zip.123.part", ".triage (2).zip.4294967295.part"}
	kept := []string{
		"notes.txt", ".triage.zip.part", ".triage.zip.123.part.bak", ".other.zip.123.part",
		".triage (+2).zip.5.part", ".triage.zip.12x.part", "triage.zip.123.part",
	}
	for _, name := range append(slices.Clone(stale), kept...) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	target := filepath.Join(t.TempDir(), ".triage.zip.5.part")
	if err := os.WriteFile(target, []byte("not mdlr's"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, ".triage.zip.77.part")); err != nil {
		t.Fatal(err)
	}
	if err := r.fake.Finish(v.ActionID); err != nil {
		t.Fatal(err)
	}
	r.poll(t)
	got, _ := r.eng.Action(v.ActionID)
	if f := got.Commands[0].File; f == nil || filepath.Base(f.Path) != "triage.zip" {
		t.Fatalf("file %+v (%s)", f, got.Commands[0].FetchErr)
	}
	for _, name := range stale {
		if _, err := os.Lstat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("stale temp file %s still there (%v)", name, err)
		}
	}
	for _, name := range append(kept, ".triage.zip.77.part", ".triage.zip.88.part") {
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was removed: %v", name, err)
		}
	}
	if b, err := os.ReadFile(target); err != nil || string(b) != "not mdlr's" {
		t.Errorf("symlink target changed: %q %v", b, err)
	}
}
