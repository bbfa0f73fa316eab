package api

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"mdlr/api/mdesim"
)

// deviceTenant is a sim whose device codes are approved only by the test,
// polled every second.
func deviceTenant(t *testing.T, opts mdesim.Options) *simTenant {
	opts.DeviceCodeApproveAfter = -1
	opts.DeviceCodeInterval = time.Second
	return newSimTenant(t, opts)
}

func (st *simTenant) deviceConfig(cache TokenCache) DeviceCodeConfig {
	return DeviceCodeConfig{AuthorityHost: st.url, TenantID: mdesim.DemoTenantID, ClientID: mdesim.DemoClientID, Cache: cache}
}

type waitResult struct {
	ts  oauth2.TokenSource
	err error
}

// startWait starts Wait in the background.
func startWait(ctx context.Context, f *DeviceCodeFlow) <-chan waitResult {
	ch := make(chan waitResult, 1)
	go func() {
		ts, err := f.Wait(ctx)
		ch <- waitResult{ts, err}
	}()
	return ch
}

func result(t *testing.T, ch <-chan waitResult) waitResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(15 * time.Second):
		t.Fatal("Wait did not return within 15s")
		return waitResult{}
	}
}

func TestDeviceCodeApprovedCachedAndResumed(t *testing.T) {
	st := deviceTenant(t, mdesim.Options{})
	cachePath := filepath.Join(t.TempDir(), "tokens", "default.json")
	cfg := st.deviceConfig(FileTokenCache(cachePath))
	ctx := context.Background()

	before := time.Now()
	flow, err := StartDeviceCode(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := flow.Prompt()
	if len(p.UserCode) < 6 || p.VerificationURI != st.url+"/devicelogin" {
		t.Errorf("prompt %+v", p)
	}
	if !strings.Contains(p.Message, p.UserCode) || !strings.Contains(p.Message, p.VerificationURI) {
		t.Errorf("message %q lacks the code or URL", p.Message)
	}
	if d := p.ExpiresAt.Sub(before); d < 14*time.Minute || d > 15*time.Minute+time.Second {
		t.Errorf("expires in %s, want about 15m", d)
	}
	form := st.sim.Requests()[0]
	if !strings.HasSuffix(form.Path, "/"+mdesim.DemoTenantID+"/oauth2/v2.0/devicecode") {
		t.Errorf("first request %s", form.Path)
	}

	done := startWait(ctx, flow)
	st.waitPoll() // answered authorization_pending
	select {
	case r := <-done:
		t.Fatalf("Wait returned while pending: %v", r.err)
	default:
	}
	if !st.sim.ApproveDeviceCode(p.UserCode) {
		t.Fatal("the user code is not pending in the sim")
	}
	r := result(t, done)
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, f := range st.tokenForms() {
		if f.Get("client_id") != mdesim.DemoClientID || f.Get("device_code") == "" || f.Has("client_secret") {
			t.Errorf("poll form %v", redactForm(f))
		}
	}
	tok, err := r.ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken != "" {
		t.Error("the token source hands out the refresh token")
	}
	claims, err := ParseClaims(tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if !claims.IsDelegated || claims.UPN != mdesim.DemoUser || !holds(claims.Scopes, "Machine.LiveResponse") {
		t.Errorf("claims %+v", claims)
	}

	// The cache holds the refresh token, privately, and no access token.
	info, err := os.Stat(cachePath)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("cache file mode %o, want 600", info.Mode().Perm())
	}
	if dir, _ := os.Stat(filepath.Dir(cachePath)); dir.Mode().Perm() != 0o700 {
		t.Errorf("cache dir mode %o, want 700", dir.Mode().Perm())
	}
	data, _ := os.ReadFile(cachePath)
	if strings.Contains(string(data), tok.AccessToken) || !strings.Contains(string(data), "mdesim-rt.") {
		t.Errorf("cache content wrong (access token stored or refresh token missing)")
	}

	// A second start resumes without a prompt.
	codesBefore := st.requestsTo("/devicecode")
	ts2, ok, err := CachedDelegatedTokenSource(ctx, cfg)
	if err != nil || !ok {
		t.Fatalf("CachedDelegatedTokenSource = %v, %v", ok, err)
	}
	if st.requestsTo("/devicecode") != codesBefore {
		t.Error("resuming asked for a new device code")
	}
	last := st.tokenForms()[len(st.tokenForms())-1]
	if last.Get("grant_type") != "refresh_token" || !strings.Contains(last.Get("scope"), "offline_access") {
		t.Errorf("refresh form %v", redactForm(last))
	}
	c, err := NewWithTokenSource(Config{BaseURL: st.url}, ts2)
	if err != nil {
		t.Fatal(err)
	}
	id, err := c.Identity(ctx)
	if err != nil || id.UPN != mdesim.DemoUser {
		t.Fatalf("identity %+v, %v", id, err)
	}
	if _, err := c.GetMachine(ctx, mdesim.DeviceAnalyst); err != nil {
		t.Fatalf("API call with a delegated token: %v", err)
	}
}

func TestDeviceCodeRefreshesShortLivedTokens(t *testing.T) {
	// Tokens living 1 minute are inside the early-expiry margin, so every
	// Token call redeems the (rotating) refresh token.
	st := deviceTenant(t, mdesim.Options{TokenLifetime: time.Minute})
	cache := FileTokenCache(filepath.Join(t.TempDir(), "t.json"))
	flow, err := StartDeviceCode(context.Background(), st.deviceConfig(cache))
	if err != nil {
		t.Fatal(err)
	}
	st.sim.ApproveDeviceCode(flow.Prompt().UserCode)
	ts, err := flow.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	saved1, _ := cache.Load()
	a, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	b, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	saved2, _ := cache.Load()
	if a.AccessToken == b.AccessToken {
		t.Error("an expiring token was not refreshed")
	}
	if saved1.RefreshToken == saved2.RefreshToken {
		t.Error("the rotated refresh token was not saved")
	}
}

func TestDeviceCodeFailures(t *testing.T) {
	cases := []struct {
		name     string
		clientID string
		act      func(s *mdesim.Sim, code string) bool
		oauth    string
		fix      string
	}{
		{"declined", mdesim.DemoClientID, (*mdesim.Sim).DeclineDeviceCode, "authorization_declined", "declined"},
		{"expired", mdesim.DemoClientID, (*mdesim.Sim).ExpireDeviceCode, "expired_token", "expired"},
		{"public client flows not allowed", mdesim.DemoReadOnlyClientID, nil, "invalid_client", "Allow public client flows"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			st := deviceTenant(t, mdesim.Options{})
			cachePath := filepath.Join(t.TempDir(), "t.json")
			cfg := st.deviceConfig(FileTokenCache(cachePath))
			cfg.ClientID = c.clientID
			flow, err := StartDeviceCode(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if c.act != nil && !c.act(st.sim, flow.Prompt().UserCode) {
				t.Fatal("code not pending")
			}
			_, err = flow.Wait(context.Background())
			var ae *AuthError
			if !errors.As(err, &ae) || ae.OAuthError != c.oauth || !strings.Contains(ae.Fix, c.fix) {
				t.Fatalf("err = %#v, want %s with a fix mentioning %q", err, c.oauth, c.fix)
			}
			if _, err := os.Stat(cachePath); err == nil {
				t.Error("a failed sign-in wrote the token cache")
			}
		})
	}
}

func TestDeviceCodeExpiresOnTheClient(t *testing.T) {
	t.Parallel()
	st := newSimTenant(t, mdesim.Options{DeviceCodeApproveAfter: -1, DeviceCodeInterval: time.Second, DeviceCodeLifetime: time.Second})
	flow, err := StartDeviceCode(context.Background(), st.deviceConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	_, err = flow.Wait(context.Background())
	var ae *AuthError
	if !errors.As(err, &ae) || !strings.Contains(ae.Fix, "expired") {
		t.Fatalf("err = %v, want the expired-code fix", err)
	}
}

func TestDeviceCodeCancelStopsPolling(t *testing.T) {
	t.Parallel()
	st := deviceTenant(t, mdesim.Options{})
	flow, err := StartDeviceCode(context.Background(), st.deviceConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := startWait(ctx, flow)
	st.waitPoll()
	cancel()
	cancelled := time.Now()
	r := result(t, done)
	if !errors.Is(r.err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", r.err)
	}
	// The poll interval is 1s: returning well within it proves Wait did
	// not wait for the next tick.
	if d := time.Since(cancelled); d > 500*time.Millisecond {
		t.Errorf("Wait returned %s after cancel", d)
	}
	polls := st.sim.PendingDeviceCodes()[flow.Prompt().UserCode]
	if polls != 1 {
		t.Errorf("%d polls, want 1", polls)
	}
}

func TestCachedDelegatedTokenSource(t *testing.T) {
	t.Parallel()
	st := deviceTenant(t, mdesim.Options{})
	path := filepath.Join(t.TempDir(), "t.json")
	cfg := st.deviceConfig(FileTokenCache(path))

	if ts, ok, err := CachedDelegatedTokenSource(context.Background(), cfg); ts != nil || ok || err != nil {
		t.Fatalf("empty cache: %v %v %v", ts, ok, err)
	}
	noCache := cfg
	noCache.Cache = nil
	if _, ok, err := CachedDelegatedTokenSource(context.Background(), noCache); ok || err != nil {
		t.Fatalf("nil cache: %v %v", ok, err)
	}

	flow, err := StartDeviceCode(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	st.sim.ApproveDeviceCode(flow.Prompt().UserCode)
	if _, err := flow.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	saved, _ := cfg.Cache.Load()

	st.sim.ExpireRefreshTokens()
	ts, ok, err := CachedDelegatedTokenSource(context.Background(), cfg)
	var ae *AuthError
	if ts != nil || !ok || !errors.As(err, &ae) || ae.Code != "AADSTS700082" {
		t.Fatalf("expired refresh token: %v %v %v", ts, ok, err)
	}
	if msg := Describe(err); !strings.Contains(msg, "sign in again") || strings.Contains(msg, saved.RefreshToken) {
		t.Errorf("Describe = %q", msg)
	}

	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := CachedDelegatedTokenSource(context.Background(), cfg); ok || err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("damaged cache: %v %v", ok, err)
	}
	if err := cfg.Cache.Clear(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("Clear left the file: %v", err)
	}
	if err := cfg.Cache.Clear(); err != nil {
		t.Errorf("clearing an empty cache: %v", err)
	}
}

func TestDeviceCodeConfigErrors(t *testing.T) {
	for _, cfg := range []DeviceCodeConfig{
		{TenantID: "t"},
		{ClientID: "c"},
		{ClientID: "c", TenantID: "a/b"},
		{ClientID: "c", TenantID: "t", AuthorityHost: "http://login.example.com"},
	} {
		if _, err := StartDeviceCode(context.Background(), cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
	st := deviceTenant(t, mdesim.Options{})
	cfg := st.deviceConfig(nil)
	cfg.TenantID = "unknown-tenant"
	_, err := StartDeviceCode(context.Background(), cfg)
	var ae *AuthError
	if !errors.As(err, &ae) || ae.Code != "AADSTS90002" {
		t.Errorf("unknown tenant: %v", err)
	}
}
