package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/keymap"
	"mdlr/state"
	"mdlr/ui/common"
	"mdlr/ui/signin"
	"mdlr/ui/styles"
)

// newSignInHarness starts a console on the sign-in screen with connect.
func newSignInHarness(connect signin.ConnectFunc, opts ...Option) *harness {
	km := keymap.Default()
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(true), Keys: &km, Now: func() time.Time { return t0 }}
	h := &harness{}
	h.m = New(c, append([]Option{WithFrozenAnimations(), WithSignIn(connect, signin.Label{Mode: "devicecode"})}, opts...)...)
	h.m.tick = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { return scheduled{d: d, msg: fn(t0.Add(d))} }
	}
	h.m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	return h
}

// appClaims are an app token's claims with roles.
func appClaims(roles ...string) func(context.Context) (api.Claims, error) {
	return func(context.Context) (api.Claims, error) {
		return api.Claims{AppID: "81957979-app", Roles: roles}, nil
	}
}

func fakeSession(claims func(context.Context) (api.Claims, error)) (signin.Session, *fakeEngine) {
	eng := &fakeEngine{next: 5 * time.Second}
	return signin.Session{
		API:    &fakeAPI{fleet: []api.Machine{{ID: "d1", ComputerDNSName: "win-analyst-01.contoso.local", HealthStatus: "Active", OSPlatform: "Windows11"}}},
		Engine: eng, Tenant: "contoso", Claims: claims,
	}, eng
}

func TestSignInThenDevicesWithIdentityAndBanner(t *testing.T) {
	sess, eng := fakeSession(appClaims("Machine.Read.All", "Library.Manage"))
	h := newSignInHarness(func(context.Context, signin.Events) (signin.Session, error) { return sess, nil })
	if h.m.ActiveScreen() != common.SignInScreen {
		t.Fatalf("starts on %v", h.m.ActiveScreen())
	}
	h.press('1', "1") // no devices screen before the session: ignored
	if h.m.ActiveScreen() != common.SignInScreen {
		t.Fatal("a global key left the sign-in screen before the session was ready")
	}
	h.run(h.m.Init())
	if h.m.ActiveScreen() != common.DevicesScreen {
		t.Fatalf("after sign-in the console shows %v", h.m.ActiveScreen())
	}
	if h.m.c.Engine != eng || h.m.c.Tenant != "contoso" {
		t.Fatal("the session's engine and tenant were not installed")
	}
	v := screen(h)
	lines := strings.Split(v, "\n")
	if !strings.Contains(lines[0], "app 81957979-app") {
		t.Errorf("header lacks the identity: %q", lines[0])
	}
	want := "missing Machine.LiveResponse (submit, cancel): ask an admin to grant it — mdlr whoami for details"
	if !strings.Contains(lines[1], want) {
		t.Errorf("banner line is %q, want %q", lines[1], want)
	}
	if !strings.Contains(lines[len(lines)-1], "ctrl+x hide banner") {
		t.Errorf("help bar does not say how to hide the banner: %q", lines[len(lines)-1])
	}
	if !strings.Contains(v, "win-analyst-01") {
		t.Errorf("devices not listed under the banner:\n%s", v)
	}
	h.send(tea.KeyPressMsg{Code: 'x', Mod: tea.ModCtrl})
	if strings.Contains(screen(h), "missing Machine.LiveResponse") || h.m.bodyHeight() != 27 {
		t.Fatal("ctrl+x did not hide the banner and give its line back")
	}
	h.press('3', "3")
	if h.m.ActiveScreen() != common.AuditScreen || !strings.Contains(screen(h), "this session keeps no audit log") {
		t.Fatalf("3 did not open the audit log:\n%s", screen(h))
	}
}

func TestNoBannerWhenEverythingIsGranted(t *testing.T) {
	sess, _ := fakeSession(appClaims("Machine.Read.All", "Machine.ReadWrite.All", "Machine.LiveResponse", "Library.Manage"))
	h := newSignInHarness(func(context.Context, signin.Events) (signin.Session, error) { return sess, nil })
	h.run(h.m.Init())
	if h.m.showBanner() || strings.Contains(screen(h), "missing") {
		t.Fatalf("banner without a missing permission:\n%s", screen(h))
	}
}

func TestSignInFailureStaysOnSignIn(t *testing.T) {
	h := newSignInHarness(func(context.Context, signin.Events) (signin.Session, error) {
		return signin.Session{}, &api.AuthError{Code: "AADSTS70000", Fix: "the device code was declined: sign in again"}
	})
	h.run(h.m.Init())
	if h.m.ActiveScreen() != common.SignInScreen || !strings.Contains(screen(h), "AADSTS70000") {
		t.Fatalf("failure not shown:\n%s", screen(h))
	}
	h.press('q', "q")
	if !h.quit {
		t.Fatal("q must quit from the sign-in screen")
	}
}

func TestProfileSwitcherEndsRunWithChoice(t *testing.T) {
	sess, eng := fakeSession(nil)
	load := func() (Profiles, error) {
		return Profiles{Names: []string{"lab", "prod"}, File: "/cfg/config.toml"}, nil
	}
	h := newSignInHarness(func(context.Context, signin.Events) (signin.Session, error) { return sess, nil }, WithProfiles(load, "lab"))
	h.run(h.m.Init())
	h.press('P', "P")
	if v := screen(h); !strings.Contains(v, "Switch profile") || !strings.Contains(v, "lab (in use)") {
		t.Fatalf("switcher not shown:\n%s", v)
	}
	h.send(tea.KeyPressMsg{Code: tea.KeyEnter}) // the profile in use: just closes
	if h.quit || h.m.profiles.open {
		t.Fatal("choosing the profile in use must only close the switcher")
	}
	eng.views = []state.ActionView{runningView("a1")}
	h.m.refreshActions()
	h.press('P', "P")
	h.press('j', "j")
	h.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	if h.quit || !strings.Contains(screen(h), "Switch to profile prod?") {
		t.Fatalf("switching with a running action must ask first:\n%s", screen(h))
	}
	h.press('y', "y")
	if name, ok := h.m.SwitchProfile(); !h.quit || !ok || name != "prod" {
		t.Fatalf("quit=%v switch=%q,%v", h.quit, name, ok)
	}
}

func TestProfileSwitcherReportsLoadError(t *testing.T) {
	sess, _ := fakeSession(nil)
	load := func() (Profiles, error) { return Profiles{}, errors.New("config: bad toml\x1b[2J") }
	h := newSignInHarness(func(context.Context, signin.Events) (signin.Session, error) { return sess, nil }, WithProfiles(load, ""))
	h.run(h.m.Init())
	h.press('P', "P")
	if raw := h.m.View().Content; !strings.Contains(raw, "bad toml") || strings.Contains(raw, "\x1b[2J") {
		t.Fatalf("load error not shown inert:\n%q", screen(h))
	}
}

// auditingEngine records library changes made through the engine.
type auditingEngine struct {
	*fakeEngine
	deleted []string
}

func (e *auditingEngine) DeleteLibraryFile(_ context.Context, name string) error {
	e.deleted = append(e.deleted, name)
	return nil
}

func TestComposeLibraryDeleteGoesThroughTheEngine(t *testing.T) {
	sess, eng := fakeSession(nil)
	ae := &auditingEngine{fakeEngine: eng}
	sess.Engine = ae
	h := newSignInHarness(func(context.Context, signin.Events) (signin.Session, error) { return sess, nil })
	h.run(h.m.Init())
	dev := state.Device{ID: "d1", Name: "win-analyst-01.contoso.local", OSPlatform: "Windows11", HealthStatus: "Active"}
	h.send(common.NavigateMsg{To: common.ComposeScreen, Device: &dev})
	h.press('D', "D")
	h.press('y', "y")
	if len(ae.deleted) != 1 || ae.deleted[0] != "x.ps1" {
		t.Fatalf("library delete did not go through the engine (audited): %v\n%s", ae.deleted, screen(h))
	}
}
