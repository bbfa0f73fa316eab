package api

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestNewRefusesPlainHTTPToNonLoopback(t *testing.T) {
	good := Config{BaseURL: "https://api.security.microsoft.com", TokenURL: TokenURLFor(DefaultAuthorityHost, "t"), ClientID: "a", ClientSecret: "b"}
	if _, err := New(good); err != nil {
		t.Fatalf("https config refused: %v", err)
	}
	cases := []struct{ base, token string }{
		{"http://api.security.microsoft.com", good.TokenURL},
		{good.BaseURL, "http://login.microsoftonline.com/t/oauth2/v2.0/token"},
		{"http://10.0.0.5:8080", good.TokenURL},
		{"ftp://x", good.TokenURL},
		{"not a url", good.TokenURL},
	}
	for _, tc := range cases {
		cfg := good
		cfg.BaseURL, cfg.TokenURL = tc.base, tc.token
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%q, %q) accepted", tc.base, tc.token)
		}
	}
	for _, host := range []string{"http://127.0.0.1:1", "http://localhost:2", "http://[::1]:3", "http://127.8.9.10"} {
		cfg := good
		cfg.BaseURL, cfg.TokenURL = host, host+"/t/oauth2/v2.0/token"
		if _, err := New(cfg); err != nil {
			t.Errorf("loopback %s refused: %v", host, err)
		}
	}
	if _, err := New(Config{BaseURL: good.BaseURL, TokenURL: good.TokenURL, ClientID: "a"}); err == nil {
		t.Error("missing secret accepted")
	}
}

func TestThrottledGetHonoursRetryAfter(t *testing.T) {
	ten := newTenant(t)
	var n atomic.Int32
	ten.handle("GET /api/libraryfiles", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "7")
			writeJSON(w, 429, `{"error": {"code": "TooManyRequests", "message": "...", "target": "1fa66c0f"}}`)
			return
		}
		libraryHandler(w, r)
	})
	clk := newFakeClock()
	c := ten.client(t, clk)
	if _, err := c.ListLibraryFiles(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := clk.Sleeps(); len(got) != 1 || got[0] != 7*time.Second {
		t.Fatalf("sleeps = %v, want [7s]", got)
	}
}

func TestServerErrorsRetriedOnGetWithBackoff(t *testing.T) {
	ten := newTenant(t)
	var n atomic.Int32
	ten.handle("GET /api/machineactions/{id}", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			writeJSON(w, 503, `{"error":{"code":"InternalServerError","message":"busy"}}`)
			return
		}
		writeJSON(w, 200, cancelledActionJSON)
	})
	clk := newFakeClock()
	c := ten.client(t, clk)
	a, err := c.GetMachineAction(t.Context(), "2e9da30d-27f6-4208-81f2-9cd3d67893ba")
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != StatusCancelled || n.Load() != 3 {
		t.Fatalf("status=%q calls=%d", a.Status, n.Load())
	}
	sleeps := clk.Sleeps()
	if len(sleeps) != 2 || sleeps[0] < backoffBase/2 || sleeps[0] > backoffBase || sleeps[1] < backoffBase || sleeps[1] > 2*backoffBase {
		t.Fatalf("backoff sleeps = %v", sleeps)
	}
}

func TestRetriesAreBounded(t *testing.T) {
	ten := newTenant(t)
	var n atomic.Int32
	ten.handle("GET /api/libraryfiles", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		writeJSON(w, 500, `{"error":{"code":"InternalServerError","message":"boom","target":"t-1"}}`)
	})
	cfg := ten.config(newFakeClock())
	cfg.MaxRetries = 2
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListLibraryFiles(t.Context())
	var ae *Error
	if !errors.As(err, &ae) || ae.StatusCode != 500 || ae.Target != "t-1" || ae.Code != "InternalServerError" {
		t.Fatalf("err = %#v", err)
	}
	if n.Load() != 3 {
		t.Fatalf("attempts = %d, want 3", n.Load())
	}
}

func TestPostIsNotRetriedOnServerError(t *testing.T) {
	ten := newTenant(t)
	var n atomic.Int32
	ten.handle("POST /api/machineactions/{id}/cancel", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		writeJSON(w, 500, `{"error":{"code":"InternalServerError","message":"boom"}}`)
	})
	c := ten.client(t, newFakeClock())
	if _, err := c.CancelMachineAction(t.Context(), "a1", "stop"); err == nil {
		t.Fatal("no error")
	}
	if n.Load() != 1 {
		t.Fatalf("POST attempts = %d, want 1", n.Load())
	}
}

func TestMalformedJSONNamesEndpoint(t *testing.T) {
	ten := newTenant(t)
	ten.handle("GET /api/machines", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"value": [{"id": 12`)
	})
	ten.handle("GET /api/libraryfiles", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"something": []}`)
	})
	c := ten.client(t, newFakeClock())
	_, err := c.ListMachines(t.Context(), ListOptions{})
	var de *DecodeError
	if !errors.As(err, &de) || de.Path != "/api/machines" {
		t.Fatalf("err = %v, want DecodeError for /api/machines", err)
	}
	_, err = c.ListLibraryFiles(t.Context())
	if !errors.As(err, &de) || de.Path != "/api/libraryfiles" {
		t.Fatalf("missing value: err = %v", err)
	}
}

func TestDroppedConnectionIsNetworkErrorAndRetriedOnGet(t *testing.T) {
	ten := newTenant(t)
	var n atomic.Int32
	ten.handle("GET /api/libraryfiles", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			dropConnection(t, w)
			return
		}
		libraryHandler(w, r)
	})
	c := ten.client(t, newFakeClock())
	if _, err := c.ListLibraryFiles(t.Context()); err != nil {
		t.Fatalf("not recovered: %v", err)
	}
	if n.Load() != 2 {
		t.Fatalf("calls = %d", n.Load())
	}

	ten2 := newTenant(t)
	ten2.handle("GET /api/libraryfiles", func(w http.ResponseWriter, r *http.Request) { dropConnection(t, w) })
	cfg := ten2.config(newFakeClock())
	cfg.MaxRetries = 1
	c2, _ := New(cfg)
	_, err := c2.ListLibraryFiles(t.Context())
	if !errors.Is(err, ErrNetwork) {
		t.Fatalf("err = %v, want ErrNetwork", err)
	}
	if strings.Contains(err.Error(), "tok-") {
		t.Fatalf("error leaks token: %v", err)
	}
	mustContain(t, Describe(err), "cannot reach Defender")
}

func TestRedirectAwayFromAPIHostRefused(t *testing.T) {
	other := newTenant(t)
	var leaked atomic.Bool
	other.mux.HandleFunc("GET /steal", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked.Store(true)
		}
		writeJSON(w, 200, `{"value":[]}`)
	})
	ten := newTenant(t)
	ten.handle("GET /api/libraryfiles", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(other.srv.URL, "127.0.0.1", "localhost", 1)+"/steal", http.StatusFound)
	})
	c := ten.client(t, newFakeClock())
	if _, err := c.ListLibraryFiles(t.Context()); err == nil {
		t.Fatal("redirect to another host followed")
	}
	if leaked.Load() {
		t.Fatal("token sent to another host")
	}
}
