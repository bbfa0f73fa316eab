package api

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dirPeekReader lists dir on every Read and keeps the last listing (taken
// while saveStream copies into its temp file), then yields content.
type dirPeekReader struct {
	dir   string
	names []string
	r     *strings.Reader
}

func (p *dirPeekReader) Read(b []byte) (int, error) {
	entries, _ := os.ReadDir(p.dir)
	p.names = p.names[:0]
	for _, e := range entries {
		p.names = append(p.names, e.Name())
	}
	return p.r.Read(b)
}

// TestIsSaveTempNameMatchesTheRealTempFile checks that the name of the temp
// file saveStream writes mid-download is recognised for its destination,
// and not for another one.
func TestIsSaveTempNameMatchesTheRealTempFile(t *testing.T) {
	dir := t.TempDir()
	peek := &dirPeekReader{dir: dir, r: strings.NewReader("evidence bytes")}
	if _, err := saveStream(peek, filepath.Join(dir, "triage (2).zip")); err != nil {
		t.Fatal(err)
	}
	if len(peek.names) != 1 {
		t.Fatalf("folder mid-download = %q, want one temp file", peek.names)
	}
	if tmp := peek.names[0]; !IsSaveTempName(tmp, "triage (2).zip") || IsSaveTempName(tmp, "triage.zip") {
		t.Fatalf("IsSaveTempName(%q) does not match its destination exactly", tmp)
	}
}

func TestIsSaveTempNameIsExact(t *testing.T) {
	const base = "big.dmp"
	for name, want := range map[string]bool{
		".big.dmp.123.part":          true,
		".big.dmp.4294967295.part":   true,
		"big.dmp.123.part":           false, // not hidden
		".big.dmp..part":             false, // no random part
		".big.dmp.12a.part":          false,
		".big.dmp.12345678901.part":  false, // longer than any CreateTemp number
		".big.dmp.123.part.txt":      false,
		".big.dmp.123.partial":       false,
		".other.dmp.123.part":        false,
		".big.dmp":                   false,
		"big.dmp":                    false,
		".big.dmp.123.part/../x":     false,
		".big.dmp.-1.part":           false,
		".big.dmp.1.2.part":          false,
		".big.dmp.123.PART":          false,
		".big.dmp (2).123.part":      false, // another destination
		".big.dmp.123.part.123.part": false,
	} {
		if got := IsSaveTempName(name, base); got != want {
			t.Errorf("IsSaveTempName(%q, %q) = %v, want %v", name, base, got, want)
		}
	}
	if IsSaveTempName("..123.part", "") || IsSaveTempName(".a/b.1.part", "a/b") {
		t.Error("an empty or multi-element destination name matched")
	}
}
