package mdesim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a manually advanced clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness is a Sim behind a real loopback HTTP server with a fake clock.
type harness struct {
	t     *testing.T
	sim   *Sim
	clock *fakeClock
	url   string
	token string
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	clock := newFakeClock()
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	sim := New(opts)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	h := &harness{t: t, sim: sim, clock: clock, url: srv.URL}
	h.token = h.fetchToken(DemoClientSecret)
	return h
}

func (h *harness) fetchToken(secret string) string {
	h.t.Helper()
	status, body := h.postForm(TokenURL(h.url, DemoTenantID), url.Values{
		"grant_type": {"client_credentials"}, "client_id": {DemoClientID},
		"client_secret": {secret}, "scope": {"https://api.securitycenter.microsoft.com/.default"},
	})
	if status != http.StatusOK {
		return ""
	}
	var tr map[string]any
	if err := json.Unmarshal(body, &tr); err != nil {
		h.t.Fatalf("token response: %v", err)
	}
	tok, _ := tr["access_token"].(string)
	return tok
}

func (h *harness) postForm(u string, form url.Values) (int, []byte) {
	h.t.Helper()
	resp, err := http.PostForm(u, form)
	if err != nil {
		h.t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// do sends an API request with the harness token and returns status, headers and body.
func (h *harness) do(method, path string, body any) (int, http.Header, []byte) {
	h.t.Helper()
	return h.doWith(method, h.url+path, body, "Bearer "+h.token)
}

func (h *harness) doWith(method, u string, body any, auth string) (int, http.Header, []byte) {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("read %s: %v", u, err)
	}
	return resp.StatusCode, resp.Header, b
}

// obj decodes a JSON object body.
func obj(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %.300s", err, b)
	}
	return m
}

// errCode returns error.code of an error envelope, checking target is set.
func errCode(t *testing.T, b []byte) string {
	t.Helper()
	e, ok := obj(t, b)["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error envelope: %s", b)
	}
	if tg, _ := e["target"].(string); len(tg) != 36 {
		t.Errorf("error target %q is not a GUID", tg)
	}
	if m, _ := e["message"].(string); m == "" {
		t.Errorf("error without message: %s", b)
	}
	code, _ := e["code"].(string)
	return code
}

func errMessage(t *testing.T, b []byte) string {
	t.Helper()
	e, _ := obj(t, b)["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

// lrBody builds a runliveresponse body from (type, key, value, ...) triples.
func lrBody(comment string, cmds ...[]string) map[string]any {
	list := []any{}
	for _, c := range cmds {
		params := []any{}
		for i := 1; i+1 < len(c); i += 2 {
			params = append(params, map[string]any{"key": c[i], "value": c[i+1]})
		}
		list = append(list, map[string]any{"type": c[0], "params": params})
	}
	return map[string]any{"Commands": list, "Comment": comment}
}

// submit posts a runliveresponse and returns the action id (failing on non-201).
func (h *harness) submit(device string, cmds ...[]string) string {
	h.t.Helper()
	status, _, b := h.do("POST", "/api/machines/"+device+"/runliveresponse", lrBody("test", cmds...))
	if status != http.StatusCreated {
		h.t.Fatalf("submit: status %d: %s", status, b)
	}
	id, _ := obj(h.t, b)["id"].(string)
	return id
}

func (h *harness) getAction(id string) map[string]any {
	h.t.Helper()
	status, _, b := h.do("GET", "/api/machineactions/"+id, nil)
	if status != http.StatusOK {
		h.t.Fatalf("get action: %d %s", status, b)
	}
	return obj(h.t, b)
}

func commandsOf(a map[string]any) []map[string]any {
	var out []map[string]any
	list, _ := a["commands"].([]any)
	for _, c := range list {
		out = append(out, c.(map[string]any))
	}
	return out
}

func urlq(s string) string { return url.QueryEscape(s) }

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// advance moves the clock forward and refreshes the token (tokens expire in real time).
func (h *harness) advance(d time.Duration) {
	h.clock.Advance(d)
	h.token = h.fetchToken(DemoClientSecret)
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
