package state_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"mdlr/state"
	"mdlr/state/statetest"
)

// writeAudit appends n entries to a fresh log and returns its directory.
func writeAudit(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	log := state.NewAuditLog(dir, statetest.NewClock(t0).Now)
	for i := range n {
		if _, err := log.Append(state.AuditEntry{Kind: state.AuditSubmit, Phase: state.AuditIntent, DeviceID: fmt.Sprintf("dev-%d", i),
			Request: json.RawMessage(`{"Comment":"IR <42> & co","Commands":[]}`)}); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func auditLines(t *testing.T, dir string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, state.AuditFileName))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.SplitAfter(data, []byte("\n"))[:bytes.Count(data, []byte("\n"))]
}

func writeLines(t *testing.T, dir string, lines [][]byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, state.AuditFileName), bytes.Join(lines, nil), 0o600); err != nil {
		t.Fatal(err)
	}
}

func mustVerify(t *testing.T, dir string) state.AuditReport {
	t.Helper()
	r, err := state.VerifyAudit(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAuditAppendChainsAndVerifies(t *testing.T) {
	dir := writeAudit(t, 4)
	r := mustVerify(t, dir)
	if !r.Intact() || r.Entries != 4 || r.LastSeq != 4 {
		t.Fatalf("report %+v", r)
	}
	entries, err := state.ReadAudit(dir)
	if err != nil || len(entries) != 4 {
		t.Fatalf("ReadAudit = %d entries, %v", len(entries), err)
	}
	lines := auditLines(t, dir)
	for i, e := range entries {
		if e.Seq != int64(i+1) || e.Time != t0 || e.DeviceID != fmt.Sprintf("dev-%d", i) {
			t.Errorf("entry %d = %+v", i, e)
		}
		want := ""
		if i > 0 {
			sum := sha256.Sum256(bytes.TrimSuffix(lines[i-1], []byte("\n")))
			want = hex.EncodeToString(sum[:])
		}
		if e.Prev != want || len(e.Hash) != 64 {
			t.Errorf("entry %d prev %q hash %q, want prev %q", i, e.Prev, e.Hash, want)
		}
	}
	fi, err := os.Stat(filepath.Join(dir, state.AuditFileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("audit log mode %v %v", fi.Mode(), err)
	}
}

func TestAuditVerifyNamesTamperedLine(t *testing.T) {
	swap := func(l [][]byte, a, b int) [][]byte { l[a], l[b] = l[b], l[a]; return l }
	cases := []struct {
		name     string
		tamper   func(l [][]byte) [][]byte
		wantLine int
		wantMsg  string
	}{
		{"untouched", func(l [][]byte) [][]byte { return l }, -1, ""},
		{"byte edited in line 2", func(l [][]byte) [][]byte {
			l[1] = bytes.Replace(l[1], []byte("dev-1"), []byte("dev-9"), 1)
			return l
		}, 2, "modified"},
		{"line 2 rewritten with a fresh self-hash", func(l [][]byte) [][]byte {
			l[1] = rehash(t, bytes.Replace(l[1], []byte("dev-1"), []byte("dev-9"), 1))
			return l
		}, 3, "does not follow line 2"},
		{"line 2 deleted", func(l [][]byte) [][]byte { return append(l[:1], l[2:]...) }, 2, "removed"},
		{"first line deleted", func(l [][]byte) [][]byte { return l[1:] }, 1, "removed"},
		{"lines 2 and 3 reordered", func(l [][]byte) [][]byte { return swap(l, 1, 2) }, 2, "reordered"},
		{"last line removed", func(l [][]byte) [][]byte { return l[:3] }, 0, "removed from the end"},
		{"last line cut short", func(l [][]byte) [][]byte { l[3] = l[3][:len(l[3])/2]; return l }, 4, "incomplete last entry"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeAudit(t, 4)
			writeLines(t, dir, c.tamper(auditLines(t, dir)))
			r := mustVerify(t, dir)
			if c.wantLine < 0 {
				if !r.Intact() {
					t.Fatalf("untouched log reported: %v", r.Problems)
				}
				return
			}
			if r.Intact() {
				t.Fatalf("tampering not detected: %+v", r)
			}
			first := r.Problems[0]
			if first.Line != c.wantLine || !strings.Contains(first.Message, c.wantMsg) {
				t.Fatalf("first problem %q, want line %d containing %q (all: %v)", first, c.wantLine, c.wantMsg, r.Problems)
			}
		})
	}
}

// rehash recomputes a line's own hash, as a forger who knows the format would.
func rehash(t *testing.T, line []byte) []byte {
	t.Helper()
	line = bytes.TrimSuffix(line, []byte("\n"))
	i := bytes.LastIndex(line, []byte(`,"hash":"`))
	body := append(bytes.Clone(line[:i]), '}')
	sum := sha256.Sum256(body)
	return []byte(string(line[:i]) + `,"hash":"` + hex.EncodeToString(sum[:]) + "\"}\n")
}

func TestAuditInterruptedAppendKeepsEarlierEntries(t *testing.T) {
	dir := writeAudit(t, 3)
	path := filepath.Join(dir, state.AuditFileName)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// A crash in the middle of writing entry 4 (which was never acknowledged).
	if _, err := f.WriteString(`{"seq":4,"time":"2026-03-01T12:00:00Z","kind":"sub`); err != nil {
		t.Fatal(err)
	}
	f.Close()
	r := mustVerify(t, dir)
	if r.Intact() || r.Problems[0].Line != 4 || r.Entries != 3 {
		t.Fatalf("interrupted tail: %+v", r)
	}
	log := state.NewAuditLog(dir, nil)
	e, err := log.Append(state.AuditEntry{Kind: state.AuditCancel, Phase: state.AuditIntent})
	if err != nil {
		t.Fatal(err)
	}
	if e.Seq != 5 { // 4 is the audit.recovered entry
		t.Fatalf("seq after recovery = %d", e.Seq)
	}
	r = mustVerify(t, dir)
	if !r.Intact() || r.Entries != 5 || len(r.Notes) != 1 || r.Notes[0].Line != 4 {
		t.Fatalf("after recovery: %+v", r)
	}
	entries, err := state.ReadAudit(dir)
	if len(entries) != 5 || err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Fatalf("ReadAudit = %d entries, %v", len(entries), err)
	}
	if entries[3].Kind != state.AuditRecovered || entries[2].DeviceID != "dev-2" {
		t.Fatalf("entries %+v", entries)
	}
}

func TestAuditConcurrentAppendsStayChained(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			log := state.NewAuditLog(dir, nil) // separate handles share the process lock
			for i := range 10 {
				if _, err := log.Append(state.AuditEntry{Kind: state.AuditDelete, DeviceID: fmt.Sprint(g, i)}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if r := mustVerify(t, dir); !r.Intact() || r.Entries != 60 {
		t.Fatalf("report %+v", r)
	}
}

func TestAuditRefusesToExtendDamagedTail(t *testing.T) {
	dir := writeAudit(t, 2)
	lines := auditLines(t, dir)
	lines[1] = bytes.Replace(lines[1], []byte("dev-1"), []byte("dev-X"), 1)
	writeLines(t, dir, lines)
	if _, err := state.NewAuditLog(dir, nil).Append(state.AuditEntry{Kind: state.AuditSubmit}); err == nil ||
		!strings.Contains(err.Error(), "damaged") {
		t.Fatalf("append after a damaged last entry: %v", err)
	}
}

func TestReadAuditMissingLogIsEmpty(t *testing.T) {
	entries, err := state.ReadAudit(t.TempDir())
	if err != nil || len(entries) != 0 {
		t.Fatalf("%v %v", entries, err)
	}
	if r := mustVerify(t, t.TempDir()); !r.Intact() || r.Entries != 0 {
		t.Fatalf("%+v", r)
	}
}

func TestAuditSecondCrashDuringRecoveryStillAppends(t *testing.T) {
	dir := writeAudit(t, 3)
	f, err := os.OpenFile(filepath.Join(dir, state.AuditFileName), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Entry 4 interrupted; then the recovery's newline landed but its entry was cut short too.
	f.WriteString(`{"seq":4,"kind":"sub` + "\n" + `{"seq":4,"kind":"audit.rec`)
	f.Close()
	e, err := state.NewAuditLog(dir, nil).Append(state.AuditEntry{Kind: state.AuditDelete})
	if err != nil || e.Seq != 5 {
		t.Fatalf("append after two interrupted writes: seq %d, %v", e.Seq, err)
	}
	r := mustVerify(t, dir)
	if r.Entries != 5 || len(r.Problems) != 1 || r.Problems[0].Line != 4 || len(r.Notes) != 1 || r.Notes[0].Line != 5 {
		t.Fatalf("report %+v", r)
	}
}
