package devices

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/keymap"
	"mdlr/ui/common"
	"mdlr/ui/styles"
)

var testNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// fakeAPI serves a fixed fleet page by page; only the methods the devices
// screen uses are implemented.
type fakeAPI struct {
	api.Service
	mu       sync.Mutex
	fleet    []api.Machine
	listErr  error
	actions  []api.MachineAction
	requests []api.ListOptions
}

func (f *fakeAPI) ListMachines(_ context.Context, o api.ListOptions) ([]api.Machine, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, o)
	if f.listErr != nil {
		return nil, f.listErr
	}
	if o.Skip >= len(f.fleet) {
		return nil, nil
	}
	end := min(len(f.fleet), o.Skip+o.Top)
	return append([]api.Machine(nil), f.fleet[o.Skip:end]...), nil
}

func (f *fakeAPI) ListMachineActions(context.Context, api.ListOptions) ([]api.MachineAction, error) {
	return f.actions, nil
}

func machine(i int, name, os, health string) api.Machine {
	return api.Machine{
		ID: fmt.Sprintf("%040x", i+1), ComputerDNSName: name, OSPlatform: os, OSVersion: "22H2", OSBuild: 22631,
		HealthStatus: health, RiskScore: []string{"Low", "Medium", "High", "None"}[i%4],
		ExposureLevel: []string{"Medium", "Low", "High"}[i%3], RBACGroupName: "Workstations",
		LastSeen: testNow.Add(-time.Duration(i+1) * 37 * time.Minute), FirstSeen: testNow.AddDate(-1, 0, 0),
		LastIPAddress: fmt.Sprintf("10.0.%d.%d", i/250, i%250+1), AgentVersion: "10.8760.22631.1",
		OnboardingStatus: "Onboarded", MachineTags: []string{"tier2"},
	}
}

func smallFleet() []api.Machine {
	ms := []api.Machine{
		machine(0, "win-analyst-01.contoso.local", "Windows11", "Active"),
		machine(1, "win-offline-07.contoso.local", "Windows10", "Inactive"),
		machine(2, "win-busy-03.contoso.local", "Windows11", "Active"),
		machine(3, "win-hostile-66.contoso.local", "Windows11", "Active"),
		machine(4, "srv-file-02.contoso.local", "WindowsServer2022", "Active"),
		machine(5, "lnx-web-04.contoso.local", "Linux", "ImpairedCommunication"),
		machine(6, "mac-design-05.contoso.local", "macOS", "Active"),
	}
	ms[3].MachineTags = []string{"evil\x1b[31mred", "\x1b]0;pwned\x07"}
	return ms
}

func newCommon(svc api.Service) *common.Common {
	km := keymap.Default()
	return &common.Common{
		Ctx: context.Background(), Styles: styles.New(true), Keys: &km, API: svc,
		Now: func() time.Time { return testNow },
	}
}

// runCmd runs cmd and every command it batches, feeding messages of the
// screen's own types back into Update until no more work is produced.
// Spinner ticks are dropped so frames stay frozen.
func drain(t *testing.T, m *Model, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			t.Fatal("command loop did not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		switch msg := msg.(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case spinMsg:
		case pageMsg, busyMsg:
			queue = append(queue, m.Update(msg))
		default:
			out = append(out, msg)
		}
	}
	return out
}

var errBoom = errors.New("boom")

func loaded(t *testing.T, fleet []api.Machine) (*Model, *fakeAPI) {
	t.Helper()
	f := &fakeAPI{fleet: fleet, actions: []api.MachineAction{{ID: "act-busy", MachineID: fleet[min(2, len(fleet)-1)].ID, Status: api.StatusInProgress}}}
	m := New(newCommon(f))
	m.FreezeSpinner()
	m.SetSize(100, 30)
	drain(t, m, m.Init())
	return m, f
}

func press(code rune, text string) tea.KeyPressMsg { return tea.KeyPressMsg{Code: code, Text: text} }

func typeText(m *Model, s string) {
	for _, r := range s {
		m.Update(press(r, string(r)))
	}
}
