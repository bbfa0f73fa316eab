package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mdlr/keymap"
	"mdlr/state"
	"mdlr/ui/common"
	"mdlr/ui/styles"
)

var t0 = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

// writeLog records a submit (intent + outcome) and a library upload.
func writeLog(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	n := 0
	log := state.NewAuditLog(dir, func() time.Time { n++; return t0.Add(time.Duration(n) * time.Minute) })
	body := json.RawMessage(`{"Commands":[{"type":"RunScript","params":[{"key":"ScriptName","value":"collect-triage.ps1"}]}],"Comment":"IR-4411"}`)
	for _, e := range []state.AuditEntry{
		{Kind: state.AuditSubmit, Phase: state.AuditIntent, Identity: "alice@contoso.com", DeviceID: "d1",
			DeviceName: "win-analyst-01.contoso.local", Comment: "IR-4411", Request: body},
		{Kind: state.AuditSubmit, Phase: state.AuditOutcome, Result: state.AuditOK, Identity: "alice@contoso.com",
			DeviceID: "d1", DeviceName: "win-analyst-01.contoso.local", ActionID: "7f3c2a10-1111-2222-3333-444455556666"},
		{Kind: state.AuditUpload, Phase: state.AuditIntent, Identity: "alice@contoso.com",
			File: &state.AuditFile{Name: "Get-Autoruns.ps1", Size: 2048, SHA256: "ab12"}},
	} {
		if _, err := log.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func newScreen(t *testing.T, dir string) *Model {
	t.Helper()
	km := keymap.Default()
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(true), Keys: &km, Now: func() time.Time { return t0 }}
	m := New(c, dir)
	m.SetSize(100, 30)
	deliver(m, m.Init())
	return m
}

// deliver runs cmd (the screen's loads are synchronous) and feeds its message back.
func deliver(m *Model, cmd tea.Cmd) {
	if cmd != nil {
		deliver(m, m.Update(cmd()))
	}
}

func press(m *Model, code rune, text string) {
	deliver(m, m.Update(tea.KeyPressMsg{Code: code, Text: text}))
}

func view(m *Model) string { return ansi.Strip(m.View()) }

func TestListNewestFirstWithVerdict(t *testing.T) {
	m := newScreen(t, writeLog(t))
	v := view(m)
	if !strings.Contains(v, "intact: 3 entries, hash chain verified") {
		t.Fatalf("no verdict:\n%s", v)
	}
	lines := strings.Split(v, "\n")
	if !strings.Contains(lines[3], "library.upload") || !strings.Contains(lines[5], "intent") {
		t.Fatalf("not newest first:\n%s", v)
	}
	golden.RequireEqual(t, []byte(maskPath(v, m.dir)))
}

func TestEnterShowsDetailsWithPrettyRequest(t *testing.T) {
	m := newScreen(t, writeLog(t))
	press(m, 'G', "G") // the oldest: the submit intent
	press(m, tea.KeyEnter, "")
	v := view(m)
	for _, want := range []string{"Entry 1", `"type": "RunScript"`, `"value": "collect-triage.ps1"`, "alice@contoso.com", "IR-4411"} {
		if !strings.Contains(v, want) {
			t.Errorf("details lack %q", want)
		}
	}
	golden.RequireEqual(t, []byte(v))
	if !m.Capturing() {
		t.Fatal("details must take esc and q to close")
	}
	deliver(m, m.Update(tea.KeyPressMsg{Code: tea.KeyEscape}))
	if m.detail || !strings.Contains(view(m), "TIME (UTC)") {
		t.Fatal("esc did not close the details")
	}
}

func TestTamperedLogIsNamedAfterReload(t *testing.T) {
	dir := writeLog(t)
	m := newScreen(t, dir)
	path := filepath.Join(dir, state.AuditFileName)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, bytes.Replace(data, []byte("IR-4411"), []byte("IR-0000"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	press(m, 'r', "r")
	if v := view(m); !strings.Contains(v, "TAMPERED or damaged at line 1") {
		t.Fatalf("tampering not reported:\n%s", v)
	}
}

func TestHostileTextIsInert(t *testing.T) {
	dir := t.TempDir()
	log := state.NewAuditLog(dir, func() time.Time { return t0 })
	if _, err := log.Append(state.AuditEntry{Kind: state.AuditSubmit, Phase: state.AuditIntent,
		DeviceName: "evil\x1b]0;owned\a\x1b[2J", Request: json.RawMessage(`{"Comment":"\u001b[31mred"}`)}); err != nil {
		t.Fatal(err)
	}
	m := newScreen(t, dir)
	raw := m.View()
	press(m, tea.KeyEnter, "")
	raw += m.View()
	if strings.Contains(raw, "\x1b]") || strings.Contains(raw, "\x1b[2J") || strings.Contains(raw, "\x1b[31m") || strings.Contains(raw, "\a") {
		t.Fatalf("log text reached the terminal raw: %q", raw)
	}
}

func TestNoLogAndEmptyLog(t *testing.T) {
	if v := view(newScreen(t, "")); !strings.Contains(v, "this session keeps no audit log") {
		t.Fatalf("no-dir view:\n%s", v)
	}
	if v := view(newScreen(t, t.TempDir())); !strings.Contains(v, "no changes recorded yet") {
		t.Fatalf("empty view:\n%s", v)
	}
}

// maskPath replaces the temporary log path (its length varies) and trims
// line ends, so the golden frame is stable.
func maskPath(v, dir string) string {
	v = strings.Replace(v, filepath.Join(dir, state.AuditFileName), "AUDIT_LOG", 1)
	lines := strings.Split(v, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
