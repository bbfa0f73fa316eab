package mdesim

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// refreshGrant redeems token at h's token endpoint for DemoClientID.
func (h *harness) refreshGrant(token string) (int, map[string]any) {
	h.t.Helper()
	status, body := h.postForm(TokenURL(h.url, DemoTenantID), url.Values{
		"grant_type": {grantRefreshToken}, "client_id": {DemoClientID}, "refresh_token": {token},
		"scope": {defaultScope + " offline_access"},
	})
	return status, obj(h.t, body)
}

// TestStateFileRefreshTokenSurvivesRestart signs in by device code on one
// tenant, restarts it from its state file, and refreshes with the saved
// refresh token: accepted until its lifetime ends, and never stored in the
// clear.
func TestStateFileRefreshTokenSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tenant.json")
	opts := Options{StateFile: path, DeviceCodeApproveAfter: -1, RefreshTokenLifetime: time.Hour}
	a := newHarness(t, opts)
	rt := a.pollToken(t, DemoClientID)["refresh_token"].(string)
	expiring := a.pollToken(t, DemoClientID)["refresh_token"].(string)
	if err := a.sim.SaveError(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), rt) || strings.Contains(string(data), strings.TrimPrefix(rt, "mdesim-rt.")) {
		t.Fatal("the state file holds a refresh token in the clear")
	}
	if !strings.Contains(string(data), refreshTokenKey(rt)) {
		t.Fatal("the state file does not hold the refresh token's hash")
	}

	a.advance(30 * time.Minute)
	b := a.restart(opts)
	status, m := b.refreshGrant(rt)
	if status != 200 || m["refresh_token"] == nil || m["refresh_token"] == rt || jwtClaims(t, m["access_token"].(string))["upn"] != DemoUser {
		t.Fatalf("refresh on the restarted tenant: %d %v", status, m)
	}
	if status, m = b.refreshGrant("mdesim-rt.forged"); status != 400 || m["error"] != "invalid_grant" {
		t.Errorf("unknown refresh token on the restarted tenant: %d %v", status, m)
	}

	// Past its lifetime, on yet another restart, the second token is refused.
	b.advance(31 * time.Minute)
	c := b.restart(opts)
	status, m = c.refreshGrant(expiring)
	if d, _ := m["error_description"].(string); status != 400 || m["error"] != "invalid_grant" || !strings.HasPrefix(d, "AADSTS700082") {
		t.Errorf("expired refresh token after a restart: %d %v", status, m)
	}
}

// TestStateFileExpiredRefreshTokensStayExpired checks that
// ExpireRefreshTokens is persisted too.
func TestStateFileExpiredRefreshTokensStayExpired(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tenant.json")
	opts := Options{StateFile: path, DeviceCodeApproveAfter: -1}
	a := newHarness(t, opts)
	rt := a.pollToken(t, DemoClientID)["refresh_token"].(string)
	a.sim.ExpireRefreshTokens()
	status, m := a.restart(opts).refreshGrant(rt)
	if d, _ := m["error_description"].(string); status != 400 || !strings.HasPrefix(d, "AADSTS700082") {
		t.Fatalf("refresh after ExpireRefreshTokens and a restart: %d %v", status, m)
	}
}

// TestStateFileRefreshTokensValidated checks that bad refresh records make
// the file unusable (handled like any invalid state file) and that a file
// without any loads.
func TestStateFileRefreshTokensValidated(t *testing.T) {
	good := refreshRecord{Hash: refreshTokenKey("x"), ClientID: DemoClientID, UPN: DemoUser, Expires: time.Now()}
	for name, recs := range map[string][]refreshRecord{
		"short hash": {{Hash: "abc", ClientID: DemoClientID, UPN: DemoUser}},
		"upper hash": {{Hash: strings.ToUpper(good.Hash), ClientID: DemoClientID, UPN: DemoUser}},
		"no client":  {{Hash: good.Hash, UPN: DemoUser}},
		"duplicate":  {good, good},
	} {
		if _, err := restoreRefresh(recs); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if got, err := restoreRefresh(nil); err != nil || len(got) != 0 {
		t.Errorf("no records: %v %v", got, err)
	}
}

// TestRefreshTokensBounded checks that the soonest-expiring grants are
// forgotten beyond maxRefreshTokens.
func TestRefreshTokensBounded(t *testing.T) {
	h := newHarness(t, Options{})
	first := h.sim.newRefreshToken(DemoClientID, DemoUser, "")
	for range maxRefreshTokens {
		h.advance(time.Second)
		h.sim.newRefreshToken(DemoClientID, DemoUser, "")
	}
	h.sim.mu.Lock()
	n, kept := len(h.sim.refresh), h.sim.refresh[refreshTokenKey(first)] != nil
	h.sim.mu.Unlock()
	if n != maxRefreshTokens || kept {
		t.Fatalf("%d refresh tokens kept (first kept: %v), want %d without the first", n, kept, maxRefreshTokens)
	}
}
