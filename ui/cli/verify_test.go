package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mdlr/api/mdesim"
	"mdlr/state"
)

// collectEvidence runs a real GetFile against the simulated tenant and
// returns the download folder (holding triage.zip and manifest.json).
func collectEvidence(t *testing.T, h *harness) string {
	t.Helper()
	out := t.TempDir()
	_, stderr, code := h.run("run", "--device", winDevice,
		"--script", `collect-triage.ps1 -OutPath C:\Windows\Temp\triage.zip -Days 3`,
		"--getfile", `C:\Windows\Temp\triage.zip`, "--comment", "IR-77 evidence", "--out", out)
	if code != ExitSucceeded {
		t.Fatalf("run exit %d: %s", code, stderr)
	}
	return out
}

// copyFolder copies the regular files of src into a new temp folder.
func copyFolder(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	des, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		b, err := os.ReadFile(filepath.Join(src, de.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, de.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func TestRunWritesManifestForSavedFile(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	dir := collectEvidence(t, h)
	m, err := state.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 1 {
		t.Fatalf("manifest %+v", m)
	}
	f := m.Files[0]
	data, err := os.ReadFile(filepath.Join(dir, f.LocalPath))
	if err != nil {
		t.Fatal(err)
	}
	if f.LocalPath != "triage.zip" || f.DevicePath != `C:\Windows\Temp\triage.zip` || f.DeviceName != winDevice ||
		f.DeviceID == "" || f.ActionID == "" || f.CommandIndex != 1 || f.Size != int64(len(data)) || f.Requestor == "" ||
		f.SavedAt.IsZero() || f.SavedAt.After(h.clock.Now()) || f.SavedAt.Location() != time.UTC {
		t.Fatalf("record %+v", f)
	}
}

func TestVerifyCommand(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	good := collectEvidence(t, h)
	hostile := "\x1b]0;owned\x07\x1b[2J\u202eevil.txt"
	cases := []struct {
		name     string
		change   func(t *testing.T, dir string)
		wantCode int
		want     []string
	}{
		{"intact", func(*testing.T, string) {}, ExitVerifyOK, []string{"ok", "triage.zip", "1 file(s) verified"}},
		{"modified file", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "triage.zip")
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 0xff
			os.WriteFile(p, b, 0o600)
		}, ExitVerifyMismatch, []string{"sha256 mismatch", "VERIFICATION FAILED"}},
		{"missing file", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "triage.zip")) },
			ExitVerifyMismatch, []string{"missing", "VERIFICATION FAILED"}},
		{"extra file is a note", func(t *testing.T, dir string) { os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o600) },
			ExitVerifyOK, []string{"note: notes.txt is not in the manifest", "1 file(s) verified"}},
		{"hostile names in manifest", func(t *testing.T, dir string) {
			m, _ := state.ReadManifest(dir)
			m.Files[0].LocalPath, m.Files[0].DevicePath, m.Files[0].DeviceName = hostile, `C:\`+hostile, hostile
			b, _ := json.Marshal(m)
			os.WriteFile(filepath.Join(dir, state.ManifestName), b, 0o600)
		}, ExitVerifyMismatch, []string{"missing", "note: triage.zip is not in the manifest"}},
		{"no manifest", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, state.ManifestName)) },
			ExitBadInput, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyFolder(t, good)
			c.change(t, dir)
			stdout, stderr, code := h.run("verify", dir)
			if code != c.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.wantCode, stdout, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			for _, b := range []string{"\x1b", "\x07", "\u202e"} {
				if strings.Contains(stdout+stderr, b) {
					t.Errorf("output carries raw %q", b)
				}
			}
		})
	}
}

func TestVerifyCommandJSONAndBadInput(t *testing.T) {
	h := newHarness(t, mdesim.Options{})
	dir := copyFolder(t, collectEvidence(t, h))
	os.WriteFile(filepath.Join(dir, "triage.zip"), []byte("replaced"), 0o600)
	stdout, _, code := h.run("verify", "--json", dir)
	var rep struct {
		OK    bool
		Files []state.FileCheck
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || code != ExitVerifyMismatch || rep.OK ||
		len(rep.Files) != 1 || rep.Files[0].Status != state.CheckSize {
		t.Fatalf("exit %d, %v, report %+v", code, err, rep)
	}
	for _, args := range [][]string{{"verify"}, {"verify", t.TempDir()}, {"verify", "a", "b"}} {
		if _, _, code := h.run(args...); code != ExitBadInput {
			t.Errorf("%v: exit %d, want %d", args, code, ExitBadInput)
		}
	}
}
