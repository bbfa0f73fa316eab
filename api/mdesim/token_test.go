package mdesim

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestTokenEndpoint(t *testing.T) {
	h := newHarness(t, Options{})
	good := url.Values{
		"grant_type": {"client_credentials"}, "client_id": {DemoClientID},
		"client_secret": {DemoClientSecret}, "scope": {"https://api.securitycenter.microsoft.com/.default"},
	}
	with := func(k, v string) url.Values {
		c := url.Values{}
		for kk, vv := range good {
			c[kk] = vv
		}
		c.Set(k, v)
		return c
	}
	cases := []struct {
		name    string
		tenant  string
		form    url.Values
		status  int
		errCode string
		aadsts  string
	}{
		{"ok", DemoTenantID, good, 200, "", ""},
		{"wrong secret", DemoTenantID, with("client_secret", "nope"), 401, "invalid_client", "AADSTS7000215"},
		{"unknown tenant", "00000000-0000-0000-0000-000000000000", good, 400, "invalid_request", "AADSTS90002"},
		{"unknown client", DemoTenantID, with("client_id", "11111111-1111-1111-1111-111111111111"), 400, "unauthorized_client", "AADSTS700016"},
		{"scope without .default", DemoTenantID, with("scope", "https://api.securitycenter.microsoft.com"), 400, "invalid_scope", "AADSTS"},
		{"wrong grant", DemoTenantID, with("grant_type", "password"), 400, "unsupported_grant_type", "AADSTS70003"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := h.postForm(TokenURL(h.url, c.tenant), c.form)
			if status != c.status {
				t.Fatalf("status %d, want %d: %s", status, c.status, body)
			}
			m := obj(t, body)
			if c.status == 200 {
				if m["token_type"] != "Bearer" || m["expires_in"] != float64(3599) || m["ext_expires_in"] != float64(3599) {
					t.Errorf("token response fields: %v", m)
				}
				if tok, _ := m["access_token"].(string); len(tok) < 20 {
					t.Errorf("access_token too short: %q", tok)
				}
				return
			}
			if m["error"] != c.errCode {
				t.Errorf("error = %v, want %s", m["error"], c.errCode)
			}
			if d, _ := m["error_description"].(string); !strings.HasPrefix(d, c.aadsts) {
				t.Errorf("error_description %q does not start with %s", d, c.aadsts)
			}
		})
	}
}

func TestTokensAreDistinctAndSecretNotEchoed(t *testing.T) {
	h := newHarness(t, Options{})
	other := h.fetchToken(DemoClientSecret)
	if other == "" || other == h.token {
		t.Fatalf("second token %q should differ from first", other)
	}
	_, body := h.postForm(TokenURL(h.url, DemoTenantID), url.Values{
		"grant_type": {"client_credentials"}, "client_id": {DemoClientID},
		"client_secret": {"super-secret-value"}, "scope": {"x/.default"},
	})
	if strings.Contains(string(body), "super-secret-value") {
		t.Errorf("error echoes the secret: %s", body)
	}
}

func TestAPIRequiresValidToken(t *testing.T) {
	h := newHarness(t, Options{TokenLifetime: time.Hour})
	cases := []struct {
		name, auth string
		status     int
	}{
		{"no header", "", 401},
		{"not bearer", "Basic abc", 401},
		{"unknown token", "Bearer made-up", 401},
		{"valid", "Bearer " + h.token, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, _, body := h.doWith("GET", h.url+"/api/machines?$top=1", nil, c.auth)
			if status != c.status {
				t.Fatalf("status %d, want %d: %s", status, c.status, body)
			}
			if status == 401 && errCode(t, body) != "Unauthorized" {
				t.Errorf("code %s", errCode(t, body))
			}
		})
	}
	h.clock.Advance(time.Hour)
	if status, _, _ := h.do("GET", "/api/machines?$top=1", nil); status != 401 {
		t.Errorf("expired token: status %d, want 401", status)
	}
	reqs := h.sim.Requests()
	last := reqs[len(reqs)-1]
	if last.Status != 401 || !last.HadAuth || last.Path != "/api/machines" || last.RawQuery != "$top=1" {
		t.Errorf("last request record %+v", last)
	}
}
