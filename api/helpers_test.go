package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is an injectable clock whose Sleep advances time and records the wait.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return nil
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

const (
	testTenant = "contoso-tenant"
	testClient = "app-id-1"
	testSecret = "s3cr3t-Value~xyz"
)

// tenant is an httptest server with an Entra-like token endpoint and a
// mux for API handlers that demand the currently valid bearer token.
type tenant struct {
	t   *testing.T
	srv *httptest.Server
	mux *http.ServeMux

	mu         sync.Mutex
	issued     int
	valid      string
	expiresIn  int
	tokenError string // when set, the token endpoint answers 401 with this body
	apiCalls   int
}

func newTenant(t *testing.T) *tenant {
	t.Helper()
	ten := &tenant{t: t, mux: http.NewServeMux(), expiresIn: 3599}
	ten.mux.HandleFunc("POST /"+testTenant+"/oauth2/v2.0/token", ten.token)
	ten.srv = httptest.NewServer(ten.mux)
	t.Cleanup(ten.srv.Close)
	return ten
}

func (ten *tenant) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	ten.mu.Lock()
	defer ten.mu.Unlock()
	if ten.tokenError != "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, ten.tokenError)
		return
	}
	f := r.PostForm
	if f.Get("grant_type") != "client_credentials" || f.Get("client_id") != testClient ||
		f.Get("client_secret") != testSecret || f.Get("scope") != DefaultScope {
		http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
		return
	}
	ten.issued++
	ten.valid = fmt.Sprintf("tok-%d", ten.issued)
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"token_type": "Bearer", "expires_in": %d, "ext_expires_in": 3599, "access_token": %q}`, ten.expiresIn, ten.valid)
}

// handle registers an API handler behind the bearer check.
func (ten *tenant) handle(pattern string, h http.HandlerFunc) {
	ten.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		ten.mu.Lock()
		ten.apiCalls++
		ok := ten.valid != "" && r.Header.Get("Authorization") == "Bearer "+ten.valid
		ten.mu.Unlock()
		if !ok {
			writeJSON(w, http.StatusUnauthorized, `{"error":{"code":"Unauthorized","message":"Authorization failed","target":"c-401"}}`)
			return
		}
		h(w, r)
	})
}

// revoke makes the current token invalid (as after a key rollover).
func (ten *tenant) revoke() {
	ten.mu.Lock()
	defer ten.mu.Unlock()
	ten.valid = "revoked"
}

func (ten *tenant) counts() (issued, apiCalls int) {
	ten.mu.Lock()
	defer ten.mu.Unlock()
	return ten.issued, ten.apiCalls
}

func (ten *tenant) config(clk *fakeClock) Config {
	return Config{
		BaseURL:      ten.srv.URL,
		TokenURL:     TokenURLFor(ten.srv.URL, testTenant),
		ClientID:     testClient,
		ClientSecret: testSecret,
		Scope:        DefaultScope,
		HTTPClient:   ten.srv.Client(),
		Now:          clk.Now,
		Sleep:        clk.Sleep,
	}
}

func (ten *tenant) client(t *testing.T, clk *fakeClock) *Client {
	t.Helper()
	c, err := New(ten.config(clk))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

// dropConnection closes the client connection without any response.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	conn.Close()
}

func mustContain(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%q does not contain %q", s, sub)
	}
}
