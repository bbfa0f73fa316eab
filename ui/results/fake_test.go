package results

import (
	"context"
	"errors"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/keymap"
	"mdlr/state"
	"mdlr/ui/common"
	"mdlr/ui/styles"
)

// fakeEngine serves fixed actions and script outputs.
type fakeEngine struct {
	actions map[string]state.ActionView
	outputs map[int]api.ScriptResult
}

func (f *fakeEngine) Submit(context.Context, state.Plan, string) (state.ActionView, error) {
	return state.ActionView{}, errors.New("not used")
}
func (f *fakeEngine) Poll(context.Context) (state.PollResult, error) { return state.PollResult{}, nil }
func (f *fakeEngine) Track(context.Context, string) (state.ActionView, error) {
	return state.ActionView{}, errors.New("not used")
}
func (f *fakeEngine) Actions() []state.ActionView { return nil }
func (f *fakeEngine) Action(id string) (state.ActionView, bool) {
	a, ok := f.actions[id]
	return a, ok
}
func (f *fakeEngine) Cancel(context.Context, string, string) (state.ActionView, error) {
	return state.ActionView{}, errors.New("not used")
}
func (f *fakeEngine) ScriptOutput(_ string, index int) (api.ScriptResult, error) {
	r, ok := f.outputs[index]
	if !ok {
		return api.ScriptResult{}, errors.New("no stored result")
	}
	return r, nil
}

func (f *fakeEngine) UploadLibraryFile(context.Context, api.UploadRequest) (api.LibraryFile, error) {
	return api.LibraryFile{}, errors.New("not used")
}
func (f *fakeEngine) DeleteLibraryFile(context.Context, string) error { return errors.New("not used") }

const actionID = "7f3c2a10-1111-2222-3333-444455556666"

func newTestScreen(t testing.TB, eng *fakeEngine, outRoot string) *Model {
	t.Helper()
	km := keymap.Default()
	c := &common.Common{
		Ctx: context.Background(), Styles: styles.New(true), Keys: &km, Engine: eng,
		Now: func() time.Time { return time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC) }, OutRoot: outRoot,
	}
	m := New(c)
	m.SetSize(100, 30)
	return m
}

// run executes cmd and feeds its message (recursively for batches) back to the screen.
func run(t *testing.T, m *Model, cmd tea.Cmd) {
	t.Helper()
	for cmd != nil {
		msg := cmd()
		cmd = m.Update(msg)
	}
}

func press(m *Model, code rune, text string) tea.Cmd {
	return m.Update(tea.KeyPressMsg{Code: code, Text: text})
}

func typeText(m *Model, s string) {
	for _, r := range s {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func scriptAction(stdout, stderr string, exit int) *fakeEngine {
	return &fakeEngine{
		actions: map[string]state.ActionView{actionID: {
			ActionID: actionID, DeviceName: "win-analyst-01.contoso.local", Status: api.StatusSucceeded,
			Commands: []state.CommandView{
				{Index: 0, Type: api.CommandRunScript, Target: "Get-ProcessList.ps1", State: state.CmdCompleted},
				{Index: 1, Type: api.CommandGetFile, Target: `C:\Windows\Temp\triage.zip`, State: state.CmdCompleted,
					File: &api.SavedFile{Path: "/out/7f3c/triage.zip", Bytes: 1536000, SHA256: "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12"}},
			},
		}},
		outputs: map[int]api.ScriptResult{0: {ScriptName: "Get-ProcessList.ps1", ExitCode: exit, ScriptOutput: stdout, ScriptErrors: stderr}},
	}
}
