package actions

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mdlr/api"
	"mdlr/keymap"
	"mdlr/state"
	"mdlr/ui/common"
	"mdlr/ui/styles"
)

var now = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

type fakeEngine struct {
	common.Engine // unused methods panic if called
	tracked       []state.ActionView
	trackCalls    []string
	cancels       []string
}

func (f *fakeEngine) Actions() []state.ActionView {
	return append([]state.ActionView(nil), f.tracked...)
}
func (f *fakeEngine) Track(_ context.Context, id string) (state.ActionView, error) {
	f.trackCalls = append(f.trackCalls, id)
	v := state.ActionView{ActionID: id, IntentID: "adopted", Status: api.StatusInProgress, Created: now}
	f.tracked = append(f.tracked, v)
	return v, nil
}
func (f *fakeEngine) Cancel(_ context.Context, id, comment string) (state.ActionView, error) {
	f.cancels = append(f.cancels, id+":"+comment)
	return state.ActionView{ActionID: id, Status: api.StatusCancelled}, nil
}

type fakeAPI struct {
	api.Service
	actions []api.MachineAction
	err     error
	opts    []api.ListOptions
}

func (f *fakeAPI) ListMachineActions(_ context.Context, o api.ListOptions) ([]api.MachineAction, error) {
	f.opts = append(f.opts, o)
	return f.actions, f.err
}

func cmdStatus(i int, st string) api.CommandStatus {
	return api.CommandStatus{Index: i, CommandStatus: st, Command: api.Command{Type: api.CommandRunScript,
		Params: []api.Param{{Key: api.ParamScriptName, Value: "Get-ProcessList.ps1"}}}}
}

func fixtures() (*fakeEngine, *fakeAPI) {
	eng := &fakeEngine{tracked: []state.ActionView{
		{IntentID: "i1", ActionID: "a1111111-0000-0000-0000-000000000001", DeviceName: "win-analyst-01.contoso.local",
			Status: api.StatusInProgress, Requestor: "analyst@contoso.com", Comment: "INC-4711 triage", Created: now.Add(-5 * time.Minute),
			Commands: []state.CommandView{{State: state.CmdCompleted}, {State: state.CmdRunning}, {State: state.CmdWaiting}}},
		{IntentID: "i2", ActionID: "a2222222-0000-0000-0000-000000000002", DeviceName: "win-offline-07.contoso.local",
			Status: api.StatusSucceeded, Requestor: "analyst@contoso.com", Comment: "\x1b[2Jlogs", Created: now.Add(-3 * time.Hour),
			Commands: []state.CommandView{{State: state.CmdCompleted}, {State: state.CmdCompleted}, {State: state.CmdFailed}}},
	}}
	svc := &fakeAPI{actions: []api.MachineAction{
		{ID: "a1111111-0000-0000-0000-000000000001", Status: api.StatusInProgress, Requestor: "analyst@contoso.com"},
		{ID: "b3333333-0000-0000-0000-000000000003", Status: api.StatusPending, Requestor: "analyst@contoso.com",
			ComputerDNSName: "win-busy-03.contoso.local", RequestorComment: "from the portal", CreationDateTimeUTC: now.Add(-30 * time.Minute),
			Commands: []api.CommandStatus{cmdStatus(0, api.CommandStatusCreated)}},
		{ID: "c4444444-0000-0000-0000-000000000004", Status: api.StatusFailed, Requestor: "other@contoso.com",
			ComputerDNSName: "win-hostile-66\x1b[2J.contoso.local", RequestorComment: "x", CreationDateTimeUTC: now.Add(-50 * time.Hour)},
	}}
	return eng, svc
}

func newScreen(t *testing.T, eng *fakeEngine, svc *fakeAPI, readOnly bool) *Model {
	t.Helper()
	km := keymap.Default()
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(true), Keys: &km, Engine: eng, API: svc,
		Now: func() time.Time { return now }, ReadOnly: readOnly}
	m := New(c)
	m.SetSize(100, 30)
	return m
}

// run executes cmd, expanding batches, feeds messages back and returns them all.
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

func press(m *Model, code rune, text string) []tea.Msg {
	return run(m, m.Update(tea.KeyPressMsg{Code: code, Text: text}))
}

func frame(t *testing.T, m *Model) string {
	t.Helper()
	lines := strings.Split(m.View(), "\n")
	if len(lines) != 30 {
		t.Fatalf("frame has %d lines", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != 100 {
			t.Fatalf("line %d is %d wide", i, w)
		}
	}
	return ansi.Strip(m.View())
}

func TestListGoldenMine(t *testing.T) {
	eng, svc := fixtures()
	m := newScreen(t, eng, svc, false)
	run(m, m.Update(common.NavigateMsg{To: common.ActionsScreen}))
	if len(svc.opts) != 1 || svc.opts[0].Filter != "type eq 'LiveResponse'" || svc.opts[0].Top != 100 {
		t.Fatalf("list options %+v", svc.opts)
	}
	if len(m.rows) != 3 {
		t.Fatalf("mine shows %d rows, want 3 (2 tracked + 1 by the same requestor)", len(m.rows))
	}
	out := frame(t, m)
	if !strings.Contains(out, "3 cmds: 1 done") || strings.Contains(m.View(), "\x1b[2J") || !strings.Contains(out, "^[[2Jlogs") {
		t.Fatalf("summary missing or comment not inert:\n%s", out)
	}
	golden.RequireEqual(t, []byte(out))
}

func TestToggleAllShowsOthersInert(t *testing.T) {
	eng, svc := fixtures()
	m := newScreen(t, eng, svc, false)
	run(m, m.Update(common.NavigateMsg{To: common.ActionsScreen}))
	press(m, 'm', "m")
	if len(m.rows) != 4 {
		t.Fatalf("all shows %d rows, want 4", len(m.rows))
	}
	out := frame(t, m)
	if strings.Contains(m.View(), "\x1b[2J") || !strings.Contains(out, "win-hostile-66") {
		t.Fatalf("hostile device name not shown safely:\n%s", out)
	}
	golden.RequireEqual(t, []byte(out))
}

func TestOpenTrackedAndAdopted(t *testing.T) {
	eng, svc := fixtures()
	m := newScreen(t, eng, svc, false)
	run(m, m.Update(common.NavigateMsg{To: common.ActionsScreen}))
	msgs := press(m, tea.KeyEnter, "")
	nav, ok := msgs[0].(common.NavigateMsg)
	if !ok || nav.To != common.ProgressScreen || nav.ActionID != eng.tracked[0].ActionID {
		t.Fatalf("enter on tracked row gave %#v", msgs)
	}
	press(m, 'j', "j") // the API-only pending action
	if m.rows[m.cursor].tracked {
		t.Fatal("second row should be API-only")
	}
	msgs = press(m, tea.KeyEnter, "")
	if len(eng.trackCalls) != 1 || eng.trackCalls[0] != "b3333333-0000-0000-0000-000000000003" {
		t.Fatalf("Track calls %v", eng.trackCalls)
	}
	found := false
	for _, msg := range msgs {
		if n, ok := msg.(common.NavigateMsg); ok && n.ActionID == "b3333333-0000-0000-0000-000000000003" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no navigation after tracking: %#v", msgs)
	}
}

func TestCancelNeedsCommentAndYes(t *testing.T) {
	eng, svc := fixtures()
	m := newScreen(t, eng, svc, false)
	run(m, m.Update(common.NavigateMsg{To: common.ActionsScreen}))
	press(m, 'c', "c")
	if !m.Capturing() {
		t.Fatal("comment prompt should capture keys")
	}
	press(m, tea.KeyEnter, "")
	if m.commentErr == "" || m.mode != modeComment {
		t.Fatal("empty comment accepted")
	}
	for _, r := range "wrong host" {
		press(m, r, string(r))
	}
	press(m, tea.KeyEnter, "")
	if m.mode != modeConfirm || !strings.Contains(frame(t, m), "[y/N]") {
		t.Fatal("no confirmation shown")
	}
	press(m, tea.KeyEnter, "") // default is No
	if len(eng.cancels) != 0 || m.mode != modeList {
		t.Fatalf("enter must decline; cancels %v", eng.cancels)
	}
	press(m, 'c', "c")
	for _, r := range "wrong host" {
		press(m, r, string(r))
	}
	press(m, tea.KeyEnter, "")
	msgs := press(m, 'y', "y")
	if len(eng.cancels) != 1 || eng.cancels[0] != eng.tracked[0].ActionID+":wrong host" {
		t.Fatalf("cancels %v", eng.cancels)
	}
	if _, ok := msgs[0].(common.CancelledMsg); !ok {
		t.Fatalf("want CancelledMsg, got %#v", msgs)
	}
	if !strings.Contains(m.note, "cancellation requested") {
		t.Fatalf("note %q", m.note)
	}
}

func TestCancelRefusedWhenFinishedOrReadOnly(t *testing.T) {
	eng, svc := fixtures()
	m := newScreen(t, eng, svc, false)
	run(m, m.Update(common.NavigateMsg{To: common.ActionsScreen}))
	press(m, 'G', "G") // last row: succeeded
	press(m, 'c', "c")
	if m.mode != modeList || !m.noteErr {
		t.Fatal("cancel of a finished action should be refused")
	}
	ro := newScreen(t, eng, svc, true)
	run(ro, ro.Update(common.NavigateMsg{To: common.ActionsScreen}))
	press(ro, 'c', "c")
	if ro.mode != modeList || !strings.Contains(ro.note, "read-only") {
		t.Fatalf("read-only cancel: mode %d note %q", ro.mode, ro.note)
	}
}

func TestPolledRefreshesTrackedAndErrorsShow(t *testing.T) {
	eng, svc := fixtures()
	svc.err = errors.New("HTTP 403: missing Machine.Read.All")
	m := newScreen(t, eng, svc, false)
	run(m, m.Update(common.NavigateMsg{To: common.ActionsScreen}))
	if !strings.Contains(frame(t, m), "could not list the tenant's actions: HTTP 403") {
		t.Fatal("API error not shown")
	}
	eng.tracked[0].Status = api.StatusSucceeded
	run(m, m.Update(common.PolledMsg{}))
	if m.rows[0].view.Status != api.StatusSucceeded {
		t.Fatal("poll did not refresh the tracked actions")
	}
}

func TestSummaryCountsStates(t *testing.T) {
	got := summary([]state.CommandView{{State: state.CmdCompleted}, {State: state.CmdFailed}, {State: state.CmdCompleted}})
	if got != "3 cmds: 2 done, 1 failed" {
		t.Fatalf("summary %q", got)
	}
	if got := summary([]state.CommandView{{State: state.CmdNotRun}}); got != "1 cmd: 1 not run" {
		t.Fatalf("summary %q", got)
	}
}

func TestFitsSmallAndLargeWindows(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {250, 70}, {30, 5}} {
		eng, svc := fixtures()
		m := newScreen(t, eng, svc, false)
		m.SetSize(size[0], size[1])
		run(m, m.Update(common.NavigateMsg{To: common.ActionsScreen}))
		press(m, 'c', "c")
		lines := strings.Split(m.View(), "\n")
		if len(lines) != size[1] {
			t.Fatalf("%v: %d lines", size, len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != size[0] {
				t.Fatalf("%v: line %d is %d wide: %q", size, i, w, ansi.Strip(l))
			}
		}
	}
}

func TestCancelOfAPIOnlyActionUpdatesItsRow(t *testing.T) {
	eng, svc := fixtures()
	m := newScreen(t, eng, svc, false)
	run(m, m.Update(common.NavigateMsg{To: common.ActionsScreen}))
	press(m, 'j', "j")
	id := m.rows[m.cursor].view.ActionID
	if m.rows[m.cursor].tracked || !strings.HasPrefix(id, "b333") {
		t.Fatalf("row 1 is %s", id)
	}
	press(m, 'c', "c")
	for _, r := range "dup" {
		press(m, r, string(r))
	}
	press(m, tea.KeyEnter, "")
	if !strings.Contains(frame(t, m), "Cancel action b3333333 on win-busy-03.contoso.local?") {
		t.Fatal("confirmation does not name the action and device")
	}
	press(m, 'y', "y")
	for _, r := range m.rows {
		if r.view.ActionID == id && r.view.Status != api.StatusCancelled {
			t.Fatalf("row still %s after cancel", r.view.Status)
		}
	}
}

// TestColumnsByWidth: the requestor column (for everyone's actions) gives
// way to the device name below requestorMinWidth; wide windows show it whole.
func TestColumnsByWidth(t *testing.T) {
	width := func(cols []column, title string) int {
		for _, c := range cols {
			if c.title == title {
				return c.width
			}
		}
		return 0
	}
	for _, w := range []int{80, 100, 120, 200, 250} {
		cols := columns(w, w >= requestorMinWidth)
		total := 2 + len(cols) - 1
		for _, c := range cols {
			total += c.width
		}
		if total > w {
			t.Fatalf("%d: table is %d wide", w, total)
		}
		if dev := width(cols, colDevice); dev < 22 {
			t.Fatalf("%d: device column %d wide", w, dev)
		}
		req := width(cols, colRequestor)
		if (w < requestorMinWidth) != (req == 0) || width(columns(w, false), colRequestor) != 0 {
			t.Fatalf("%d: requestor column %d wide", w, req)
		}
		if w >= 200 && (req != 36 || width(cols, colDevice) != 32) {
			t.Fatalf("%d: requestor %d, device %d", w, req, width(cols, colDevice))
		}
	}
}
