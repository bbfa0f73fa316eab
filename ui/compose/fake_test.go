package compose

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"mdlr/api"
	"mdlr/keymap"
	"mdlr/state"
	"mdlr/ui/common"
	"mdlr/ui/styles"
)

var now = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// fakeAPI serves a library and records uploads and deletes.
type fakeAPI struct {
	api.Service // other methods are not used by this screen
	files       []api.LibraryFile
	listErr     error
	uploads     []api.UploadRequest
	uploaded    []string // content of each upload
	deleted     []string
}

func (f *fakeAPI) ListLibraryFiles(context.Context) ([]api.LibraryFile, error) {
	return append([]api.LibraryFile(nil), f.files...), f.listErr
}

func (f *fakeAPI) UploadLibraryFile(_ context.Context, r api.UploadRequest) (api.LibraryFile, error) {
	b, err := io.ReadAll(r.Content)
	if err != nil {
		return api.LibraryFile{}, err
	}
	f.uploads = append(f.uploads, r)
	f.uploaded = append(f.uploaded, string(b))
	lf := api.LibraryFile{FileName: r.FileName, Description: r.Description, ParametersDescription: r.ParametersDescription}
	f.files = append(f.files, lf)
	return lf, nil
}

func (f *fakeAPI) DeleteLibraryFile(_ context.Context, name string) error {
	for i, lf := range f.files {
		if lf.FileName == name {
			f.files = append(f.files[:i], f.files[i+1:]...)
			f.deleted = append(f.deleted, name)
			return nil
		}
	}
	return errors.New("404: no such file")
}

func library() []api.LibraryFile {
	t := now.Add(-72 * time.Hour)
	return []api.LibraryFile{
		{FileName: "collect-triage.ps1", Description: "Collects a triage package", ParametersDescription: "-OutPath <path to zip> [-Days <n>]",
			HasParameters: true, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", CreatedBy: "soc-lead@contoso.com", LastUpdatedTime: t},
		{FileName: "Get-ProcessList.ps1", Description: "Lists processes", SHA256: "aaaa", CreatedBy: "analyst@contoso.com", LastUpdatedTime: t},
		{FileName: "netstat.sh", Description: "Network connections", SHA256: "bbbb", CreatedBy: "analyst@contoso.com", LastUpdatedTime: t},
		{FileName: "winpmem.exe", Description: "Memory acquisition \x1b[5mtool", SHA256: "cccc", CreatedBy: "ir@contoso.com", LastUpdatedTime: t},
	}
}

var windowsDevice = state.Device{ID: "dev-1", Name: "win-analyst-01.contoso.local", OSPlatform: "Windows11", HealthStatus: "Active"}

func newScreen(t *testing.T, svc *fakeAPI, readOnly bool) *Model {
	t.Helper()
	km := keymap.Default()
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(true), Keys: &km, API: svc,
		Now: func() time.Time { return now }, ReadOnly: readOnly}
	m := New(c)
	m.SetSize(100, 30)
	return m
}

func openFor(t *testing.T, svc *fakeAPI, dev state.Device) *Model {
	t.Helper()
	m := newScreen(t, svc, false)
	run(m, m.Update(common.NavigateMsg{To: common.ComposeScreen, Device: &dev}))
	return m
}

// run executes cmd (expanding batches), feeds each message back, and returns them.
func run(m *Model, cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		if b, ok := msg.(tea.BatchMsg); ok {
			queue = append(queue, b...)
			continue
		}
		out = append(out, msg)
		queue = append(queue, m.Update(msg))
	}
	return out
}

func press(m *Model, code rune, text string, mod ...tea.KeyMod) []tea.Msg {
	k := tea.KeyPressMsg{Code: code, Text: text}
	if len(mod) > 0 {
		k.Mod = mod[0]
		k.Text = ""
	}
	return run(m, m.Update(k))
}

func typeText(m *Model, s string) {
	for _, r := range s {
		press(m, r, string(r))
	}
}

func frame(t *testing.T, m *Model) string {
	t.Helper()
	v := m.View()
	lines := strings.Split(v, "\n")
	if len(lines) != 30 {
		t.Fatalf("frame has %d lines, want 30", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != 100 {
			t.Fatalf("line %d is %d cells wide, want 100: %q", i, w, ansi.Strip(l))
		}
	}
	if strings.Contains(v, "\x1b[5m") {
		t.Fatal("untrusted escape sequence reached the frame")
	}
	return ansi.Strip(v)
}
