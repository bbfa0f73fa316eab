package ui

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"mdlr/api"
	"mdlr/api/mdesim"
	"mdlr/keymap"
	"mdlr/state"
	"mdlr/ui/common"
	"mdlr/ui/styles"
)

// simConsole builds the production wiring (client, journal, engine, root)
// against a simulated tenant served on loopback.
func simConsole(t *testing.T) *Model {
	t.Helper()
	sim := mdesim.New(mdesim.Options{Devices: 60, Seed: 7, TimeScale: 120})
	srv, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	client, err := api.New(api.Config{
		BaseURL: srv.URL, TokenURL: srv.URL + "/" + mdesim.DemoTenantID + "/oauth2/v2.0/token",
		ClientID: mdesim.DemoClientID, ClientSecret: mdesim.DemoClientSecret,
	})
	if err != nil {
		t.Fatal(err)
	}
	j, err := state.OpenJournal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	eng := state.NewEngine(client, j, state.EngineOptions{Tenant: "demo", OutRoot: out, MinPoll: time.Second, MaxPoll: 2 * time.Second})
	km := keymap.Default()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c := &common.Common{Ctx: ctx, Styles: styles.New(true), Keys: &km, API: client, Engine: eng,
		Now: time.Now, Demo: true, OutRoot: out}
	return New(c, WithFrozenAnimations())
}

func waitFor(t *testing.T, tm *teatest.TestModel, what string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
		teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// TestEndToEndOnSimulatedTenant drives the console as a user would: find a
// device, open compose, confirm a plan, and watch it finish.
func TestEndToEndOnSimulatedTenant(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	m := simConsole(t)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm, "of 60 devices")
	tm.Type("/analyst-01")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor(t, tm, "Compose")
	plan := state.Plan{
		Device:   state.Device{Name: "win-analyst-01.contoso.local", HealthStatus: "Active", OSPlatform: "Windows11"},
		Commands: []state.PlanCommand{{Type: api.CommandRunScript, Name: "Get-ProcessList.ps1"}},
		Comment:  "e2e check",
	}
	// The device id comes from the sim: read it through the devices screen's choice.
	plan.Device.ID = analystID(t, m)
	tm.Send(common.NavigateMsg{To: common.ConfirmScreen, Plan: &plan})
	waitFor(t, tm, "Send this live response action?")
	tm.Type("y")
	waitFor(t, tm, "Progress")
	waitFor(t, tm, "Succeeded")
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

func analystID(t *testing.T, m *Model) string {
	t.Helper()
	ms, err := m.c.API.ListMachines(m.c.Ctx, api.ListOptions{Filter: "computerDnsName eq 'win-analyst-01.contoso.local'"})
	if err != nil || len(ms) != 1 {
		t.Fatalf("analyst device: %v %d", err, len(ms))
	}
	return ms[0].ID
}
