package state

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafeLocalName(t *testing.T) {
	tests := []struct{ in, want string }{
		{`C:\Windows\Temp\triage.zip`, "triage.zip"},
		{`..\..\x`, "x"},
		{`../../etc/passwd`, "passwd"},
		{`C:\Windows\System32\con`, "_con"},
		{`C:\x\NUL.txt`, "_NUL.txt"},
		{`C:\x\com1`, "_com1"},
		{`\\srv\share\a`, "a"},
		{`\\srv\share\`, "file"},
		{`C:evil.txt`, "evil.txt"},
		{"/var/log/a\x1b[2Jb\n.log", "a_[2Jb_.log"},
		{`C:\dir\..`, "file"},
		{`C:\dir\a:b*c?.txt`, "a_b_c_.txt"},
		{"", "file"},
	}
	for _, tt := range tests {
		if got := SafeLocalName(tt.in); got != tt.want {
			t.Errorf("SafeLocalName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSafeLocalNameLong(t *testing.T) {
	long := `C:\t\` + strings.Repeat("é", 200) + ".evtx"
	got := SafeLocalName(long)
	if len(got) > MaxLocalNameLen || !utf8.ValidString(got) || !strings.HasSuffix(got, ".evtx") {
		t.Fatalf("long name %q (%d bytes)", got, len(got))
	}
}

func TestFreeLocalPathNeverReusesOrEscapes(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.zip"), []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	inputs := []string{`C:\a\x.zip`, `..\..\x.zip`, `/x.zip`, strings.Repeat("L", 300) + ".zip", strings.Repeat("L", 300) + ".zip"}
	seen := map[string]bool{}
	for _, in := range inputs {
		p, _, err := freeLocalPath(dir, SafeLocalName(in), 1)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Dir(p) != dir {
			t.Fatalf("%q left the folder: %s", in, p)
		}
		if seen[p] {
			t.Fatalf("path reused: %s", p)
		}
		seen[p] = true
		if len(filepath.Base(p)) > MaxLocalNameLen {
			t.Fatalf("name too long: %s", p)
		}
		if err := os.WriteFile(p, nil, 0o600); err != nil { // the download takes the name
			t.Fatal(err)
		}
	}
	if !seen[filepath.Join(dir, "x (2).zip")] || !seen[filepath.Join(dir, "x (3).zip")] {
		t.Fatalf("expected numeric suffixes, got %v", seen)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "x.zip")); string(data) != "keep" {
		t.Fatal("existing file overwritten")
	}
}
