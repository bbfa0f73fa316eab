package ui

import (
	"context"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/keymap"
	"mdlr/state"
	"mdlr/ui/common"
	"mdlr/ui/styles"
)

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

type fakeAPI struct {
	api.Service
	fleet []api.Machine
}

func (f *fakeAPI) ListMachines(_ context.Context, o api.ListOptions) ([]api.Machine, error) {
	if o.Skip >= len(f.fleet) {
		return nil, nil
	}
	return f.fleet[o.Skip:min(len(f.fleet), o.Skip+o.Top)], nil
}
func (f *fakeAPI) ListMachineActions(context.Context, api.ListOptions) ([]api.MachineAction, error) {
	return nil, nil
}
func (f *fakeAPI) ListLibraryFiles(context.Context) ([]api.LibraryFile, error) {
	return []api.LibraryFile{{FileName: "x.ps1"}}, nil
}
func (f *fakeAPI) Budget() api.Budget { return api.Budget{MinuteRemaining: 99, HourRemaining: 1499} }

type fakeEngine struct {
	common.Engine
	mu        sync.Mutex
	views     []state.ActionView
	polls     int
	submitted []state.Plan
	submitErr error
	next      time.Duration
}

func (f *fakeEngine) Actions() []state.ActionView {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]state.ActionView(nil), f.views...)
}

func (f *fakeEngine) Action(id string) (state.ActionView, bool) {
	for _, v := range f.Actions() {
		if v.ActionID == id {
			return v, true
		}
	}
	return state.ActionView{}, false
}

func (f *fakeEngine) Poll(context.Context) (state.PollResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.polls++
	return state.PollResult{Changed: append([]state.ActionView(nil), f.views...), Next: f.next,
		Budget: api.Budget{MinuteRemaining: 97, HourRemaining: 1480}}, nil
}

func (f *fakeEngine) Submit(_ context.Context, p state.Plan, _ string) (state.ActionView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.submitted = append(f.submitted, p)
	if f.submitErr != nil {
		return state.ActionView{}, f.submitErr
	}
	v := state.ActionView{ActionID: "act-new", DeviceID: p.Device.ID, DeviceName: p.Device.Name, Status: api.StatusPending}
	f.views = append(f.views, v)
	return v, nil
}

func (f *fakeEngine) setStatus(id, status string, done bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.views {
		if f.views[i].ActionID == id {
			f.views[i].Status, f.views[i].Done = status, done
		}
	}
}

// scheduled is what the fake ticker returns instead of waiting.
type scheduled struct {
	d   time.Duration
	msg tea.Msg
}

type harness struct {
	m     *Model
	eng   *fakeEngine
	ticks []scheduled
	quit  bool
	raw   []string
}

func newHarness(views ...state.ActionView) *harness {
	km := keymap.Default()
	eng := &fakeEngine{views: views, next: 5 * time.Second}
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(true), Keys: &km, Engine: eng, Demo: true,
		API: &fakeAPI{fleet: []api.Machine{{ID: "d1", ComputerDNSName: "win-analyst-01.contoso.local", HealthStatus: "Active", OSPlatform: "Windows11"}}},
		Now: func() time.Time { return t0 }}
	h := &harness{eng: eng}
	h.m = New(c, WithFrozenAnimations())
	h.m.tick = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { return scheduled{d: d, msg: fn(t0.Add(d))} }
	}
	h.m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	return h
}

// run executes cmd and feeds every resulting message back into the model
// (ticks are recorded, not delivered), until nothing is left.
func (h *harness) run(cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 500 {
			panic("command loop did not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case scheduled:
			h.ticks = append(h.ticks, msg)
		case tea.QuitMsg:
			h.quit = true
		case tea.RawMsg:
			h.raw = append(h.raw, msg.Msg.(string))
		case nil:
		default:
			_, next := h.m.Update(msg)
			queue = append(queue, next)
		}
	}
}

func (h *harness) send(msg tea.Msg) {
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

func (h *harness) press(code rune, text string) { h.send(tea.KeyPressMsg{Code: code, Text: text}) }

// pollTicks returns the scheduled PollMsgs.
func (h *harness) pollTicks() []common.PollMsg {
	var out []common.PollMsg
	for _, s := range h.ticks {
		if p, ok := s.msg.(common.PollMsg); ok {
			out = append(out, p)
		}
	}
	return out
}
