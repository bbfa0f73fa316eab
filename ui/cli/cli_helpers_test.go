package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"mdlr/api/mdesim"
)

// fakeClock is the simulated tenant's clock; the CLI's poll waits advance it.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Now().UTC().Truncate(time.Second)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// harness runs the CLI in-process against a simulated tenant served over
// loopback HTTP, with the tenant's clock advanced by the CLI's waits.
type harness struct {
	t      *testing.T
	sim    *mdesim.Sim
	srv    *httptest.Server
	clock  *fakeClock
	env    map[string]string
	sleeps []time.Duration
	// onSleep runs before each wait (e.g. to cancel the action mid-run).
	onSleep func(h *harness)
	stdout  *bytes.Buffer
	// onRequest sees every request before the tenant does.
	onRequest func(r *http.Request)
	mu        sync.Mutex
}

func newHarness(t *testing.T, opts mdesim.Options) *harness {
	t.Helper()
	clock := newFakeClock()
	opts.Now = clock.Now
	sim := mdesim.New(opts)
	h := &harness{t: t, sim: sim, clock: clock}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		hook := h.onRequest
		h.mu.Unlock()
		if hook != nil {
			hook(r)
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	h.srv = srv
	h.env = map[string]string{
		"AZURE_TENANT_ID":      mdesim.DemoTenantID,
		"AZURE_CLIENT_ID":      mdesim.DemoClientID,
		"AZURE_CLIENT_SECRET":  mdesim.DemoClientSecret,
		"AZURE_AUTHORITY_HOST": srv.URL,
		"MDLR_API_URL":         srv.URL,
		"MDLR_STATE_DIR":       t.TempDir(),
		"XDG_CONFIG_HOME":      t.TempDir(),
	}
	return h
}

// run executes mdlr with args and returns stdout, stderr and the exit code.
func (h *harness) run(args ...string) (string, string, int) {
	h.t.Helper()
	var stdout, stderr bytes.Buffer
	h.mu.Lock()
	h.stdout = &stdout
	h.mu.Unlock()
	app := NewApp(&syncWriter{w: &stdout, mu: &h.mu}, &stderr, func(k string) string { return h.env[k] })
	app.Now = h.clock.Now
	app.ClientSleep = func(ctx context.Context, d time.Duration) error {
		h.clock.Advance(d)
		return ctx.Err()
	}
	app.Sleep = func(ctx context.Context, d time.Duration) error {
		h.sleeps = append(h.sleeps, d)
		if h.onSleep != nil {
			h.onSleep(h)
		}
		h.clock.Advance(d)
		if len(h.sleeps) > 5000 {
			h.t.Fatalf("the CLI kept polling: %d waits", len(h.sleeps))
		}
		return ctx.Err()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := app.Main(ctx, args)
	return stdout.String(), stderr.String(), code
}

// output returns what the running command printed on stdout so far.
func (h *harness) output() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stdout == nil {
		return ""
	}
	return h.stdout.String()
}

type syncWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// events parses JSON lines.
func events(t *testing.T, out string) []map[string]any {
	t.Helper()
	var evs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("stdout line is not JSON: %q: %v", line, err)
		}
		evs = append(evs, ev)
	}
	return evs
}

func eventsOf(evs []map[string]any, name string) []map[string]any {
	var out []map[string]any
	for _, e := range evs {
		if e["event"] == name {
			out = append(out, e)
		}
	}
	return out
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
