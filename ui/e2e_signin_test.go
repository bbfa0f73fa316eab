package ui

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"mdlr/api"
	"mdlr/api/mdesim"
	"mdlr/keymap"
	"mdlr/state"
	"mdlr/ui/common"
	"mdlr/ui/signin"
	"mdlr/ui/styles"
)

// deviceCodeConnect signs in to the simulated tenant at url with the real
// device code flow and builds the engine on a journal in dir, as ui/cli does.
func deviceCodeConnect(url, dir string) signin.ConnectFunc {
	return func(ctx context.Context, ev signin.Events) (signin.Session, error) {
		flow, err := api.StartDeviceCode(ctx, api.DeviceCodeConfig{AuthorityHost: url, TenantID: mdesim.DemoTenantID, ClientID: mdesim.DemoClientID})
		if err != nil {
			return signin.Session{}, err
		}
		ev.Prompt(flow.Prompt())
		ts, err := flow.Wait(ctx)
		if err != nil {
			return signin.Session{}, err
		}
		client, err := api.NewWithTokenSource(api.Config{BaseURL: url, TokenURL: mdesim.TokenURL(url, mdesim.DemoTenantID), ClientID: mdesim.DemoClientID}, ts)
		if err != nil {
			return signin.Session{}, err
		}
		j, err := state.OpenJournal(dir)
		if err != nil {
			return signin.Session{}, err
		}
		eng := state.NewEngine(client, j, state.EngineOptions{Tenant: "sim", OutRoot: dir})
		return signin.Session{API: client, Engine: eng, Tenant: "sim", StateDir: dir, Claims: client.Identity,
			Close: client.CloseIdleConnections}, nil
	}
}

// pendingCode waits for the simulated tenant to hold exactly one pending device code.
func pendingCode(t *testing.T, sim *mdesim.Sim, d *driver) string {
	t.Helper()
	for deadline := time.Now().Add(waitLimit); time.Now().Before(deadline); {
		if codes := sim.PendingDeviceCodes(); len(codes) == 1 {
			for c := range codes {
				return c
			}
		}
		d.wait("enter the code") // re-reads the screen; returns at once while it shows
	}
	t.Fatal("no pending device code")
	return ""
}

func TestE2EDeviceCodeSignInDeclineRetryApprove(t *testing.T) {
	sim := mdesim.New(mdesim.Options{Devices: 12, Seed: 7, DeviceCodeApproveAfter: -1, DeviceCodeInterval: time.Second})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	km := keymap.Default()
	c := &common.Common{Ctx: ctx, Styles: styles.New(true), Keys: &km, Now: time.Now, Demo: true}
	m := New(c, WithFrozenAnimations(), WithSignIn(deviceCodeConnect(srv.URL, t.TempDir()), signin.Label{Mode: "devicecode"}))
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(e2eWidth, e2eHeight),
		teatest.WithProgramOptions(tea.WithEnvironment([]string{"TERM=xterm-256color"})))
	t.Cleanup(func() { _ = tm.Quit() })
	d := &driver{t: t, tm: tm, clock: newFakeClock(time.Now()), scr: newVScreen(e2eWidth, e2eHeight)}

	d.wait("Signing in to Microsoft Defender", "and enter the code")
	first := pendingCode(t, sim, d)
	d.wait(first, "code expires in")
	if !sim.DeclineDeviceCode(first) {
		t.Fatal("could not decline the code")
	}
	d.wait("Sign-in failed", "r to try again")
	d.typeText("r")
	d.wait("and enter the code")
	second := pendingCode(t, sim, d)
	if second == first {
		t.Fatal("retry reused the declined code")
	}
	d.wait(second)
	if !sim.ApproveDeviceCode(second) {
		t.Fatal("could not approve the code")
	}
	d.wait("Devices", "of 12 devices", mdesim.DemoUser)
	final := d.quit(false)
	if final.ActiveScreen() != common.DevicesScreen || !strings.Contains(final.Identity(), mdesim.DemoUser) {
		t.Fatalf("ended on %v as %q", final.ActiveScreen(), final.Identity())
	}
}
