package cli

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"mdlr/api"
	"mdlr/api/mdesim"
	"mdlr/ui/signin"
)

// consoleSignIn runs the console's sign-in once, as its sign-in screen does.
func consoleSignIn(t *testing.T, h *harness, ev signin.Events) (signin.Session, *consoleSessions, error) {
	t.Helper()
	app := NewApp(&bytes.Buffer{}, &bytes.Buffer{}, func(k string) string { return h.env[k] })
	app.Now = h.clock.Now
	var cf connFlags
	conn, err := cf.resolve(app.Env)
	if err != nil {
		t.Fatal(err)
	}
	sessions := &consoleSessions{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(func() { sessions.closeAll(cancel) })
	s, err := app.consoleConnect(conn, t.TempDir(), sessions)(ctx, ev)
	return s, sessions, err
}

func TestConsoleSignInReportsIdentityAndMissingPermission(t *testing.T) {
	h := newHarness(t, mdesim.Options{Devices: 5})
	h.env["AZURE_CLIENT_ID"], h.env["AZURE_CLIENT_SECRET"] = mdesim.DemoReadOnlyClientID, mdesim.DemoReadOnlyClientSecret
	s, _, err := consoleSignIn(t, h, signin.Events{})
	if err != nil {
		t.Fatal(err)
	}
	if s.API == nil || s.Engine == nil || s.StateDir != h.env["MDLR_STATE_DIR"] || s.Claims == nil || s.Close == nil {
		t.Fatalf("incomplete session: %+v", s)
	}
	claims, err := s.Claims(context.Background())
	if err != nil || claims.AppID != mdesim.DemoReadOnlyClientID {
		t.Fatalf("claims %+v, %v", claims, err)
	}
	missing := ""
	for _, p := range api.CheckPermissions(claims) {
		if !p.Granted && p.Feature == "Run live response" {
			missing = p.Permission
		}
	}
	if missing != "Machine.LiveResponse" {
		t.Fatalf("missing permission %q, want Machine.LiveResponse", missing)
	}
}

func TestConsoleSignInWrongSecretFailsOnTheSignInScreen(t *testing.T) {
	h := newHarness(t, mdesim.Options{Devices: 5})
	h.env["AZURE_CLIENT_SECRET"] = "not-the-secret"
	_, sessions, err := consoleSignIn(t, h, signin.Events{})
	var ae *api.AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want an AuthError at sign-in", err)
	}
	if len(sessions.closers) != 1 {
		t.Fatalf("the failed session was not recorded for closing: %d", len(sessions.closers))
	}
}

func TestConsoleDeviceCodeSignInThroughPrompt(t *testing.T) {
	h := newHarness(t, mdesim.Options{Devices: 5, DeviceCodeApproveAfter: -1, DeviceCodeInterval: time.Second})
	delete(h.env, "AZURE_CLIENT_SECRET")
	h.env["MDLR_SIGN_IN"] = SignInDeviceCode
	var prompted []string
	s, _, err := consoleSignIn(t, h, signin.Events{Prompt: func(p api.DevicePrompt) {
		prompted = append(prompted, p.UserCode)
		if !h.sim.ApproveDeviceCode(p.UserCode) {
			t.Errorf("code %q not pending", p.UserCode)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	claims, err := s.Claims(context.Background())
	if len(prompted) != 1 || err != nil || claims.UPN != mdesim.DemoUser {
		t.Fatalf("prompted %v, claims %+v, %v", prompted, claims, err)
	}
}

func TestConsoleSessionsRefuseSignInWhileClosing(t *testing.T) {
	s := &consoleSessions{}
	s.closeAll(func() {})
	if _, ok := s.begin(); ok {
		t.Fatal("a sign-in started after the run ended")
	}
}
