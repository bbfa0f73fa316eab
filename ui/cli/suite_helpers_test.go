package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mdlr/api/mdesim"
)

// tokenLog records every bearer token the tenant issued (seen by wrapping
// its token endpoint), so tests can scan outputs for them.
type tokenLog struct {
	mu     sync.Mutex
	tokens []string
}

func (l *tokenLog) add(tok string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tokens = append(l.tokens, tok)
}

func (l *tokenLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.tokens...)
}

// wrapOptions change what the test server in front of the tenant does.
type wrapOptions struct {
	// tokenLie is added to expires_in of every token response, so the
	// client trusts tokens the tenant has already expired: the next call
	// gets a 401 mid-run and must sign in again.
	tokenLie time.Duration
	// stall, when set and on, holds result downloads mid-stream.
	stall *blobStall
}

// blobStall holds result-link downloads after a number of body bytes,
// until the client goes away, so a test can kill mdlr mid-download.
type blobStall struct {
	after   int
	on      atomic.Bool
	once    sync.Once
	stalled chan struct{} // closed when the first download is held
}

func newBlobStall(after int) *blobStall {
	b := &blobStall{after: after, stalled: make(chan struct{})}
	b.on.Store(true)
	return b
}

// stallWriter passes a response through until it has written after
// bytes, then flushes and blocks until the request ends.
type stallWriter struct {
	http.ResponseWriter
	st      *blobStall
	r       *http.Request
	written int
}

func (s *stallWriter) Write(p []byte) (int, error) {
	n, err := s.ResponseWriter.Write(p)
	s.written += n
	if err == nil && s.written >= s.st.after {
		_ = http.NewResponseController(s.ResponseWriter).Flush()
		s.st.once.Do(func() { close(s.st.stalled) })
		<-s.r.Context().Done()
		return n, s.r.Context().Err()
	}
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (s *stallWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// newWrappedHarness is newHarness with a server that records issued
// tokens and can lie about their lifetime.
func newWrappedHarness(t *testing.T, opts mdesim.Options, wo wrapOptions) (*harness, *tokenLog) {
	t.Helper()
	clock := newFakeClock()
	opts.Now = clock.Now
	sim := mdesim.New(opts)
	h := &harness{t: t, sim: sim, clock: clock}
	toks := &tokenLog{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		hook := h.onRequest
		h.mu.Unlock()
		if hook != nil {
			hook(r)
		}
		if wo.stall != nil && wo.stall.on.Load() && strings.HasPrefix(r.URL.Path, "/blob/") {
			w = &stallWriter{ResponseWriter: w, st: wo.stall, r: r}
		}
		if !strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token") {
			sim.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, r) // a dropped connection panics with ErrAbortHandler: the server drops ours too
		body := rec.Body.Bytes()
		var tr map[string]any
		if rec.Code == http.StatusOK && json.Unmarshal(body, &tr) == nil {
			if tok, ok := tr["access_token"].(string); ok {
				toks.add(tok)
			}
			if secs, ok := tr["expires_in"].(float64); ok && wo.tokenLie > 0 {
				tr["expires_in"] = int(secs) + int(wo.tokenLie/time.Second)
				body, _ = json.Marshal(tr)
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
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
	return h, toks
}

// Documented API budgets (mde-api.md §3.5).
const (
	docCallsPerMinute  = 100
	docCallsPerHour    = 1500
	docSubmitPerMinute = 10
)

// budgetExcess checks the tenant's request log against the documented
// budgets on the tenant's clock: every API call counts against 100 per
// sliding minute and 1500 per sliding hour, runliveresponse POSTs against 10
// per minute. It returns how many requests went over and a description of
// the first excess. Token and result-link requests are not API calls.
func budgetExcess(reqs []mdesim.RequestRecord) (int, string) {
	var api, submits []time.Time
	for _, r := range reqs {
		if !strings.HasPrefix(strings.ToLower(r.Path), "/api/") {
			continue
		}
		api = append(api, r.At)
		if r.Method == http.MethodPost && strings.Contains(strings.ToLower(r.Path), "runliveresponse") {
			submits = append(submits, r.At)
		}
	}
	over, first := 0, ""
	check := func(ts []time.Time, window time.Duration, limit int, what string) {
		sort.Slice(ts, func(a, b int) bool { return ts[a].Before(ts[b]) })
		lo := 0
		for hi := range ts {
			for ts[lo].Add(window).Compare(ts[hi]) <= 0 { // ts[lo] left the window (t-window, t]
				lo++
			}
			if n := hi - lo + 1; n > limit {
				over++
				if first == "" {
					first = fmt.Sprintf("%d %s within %s ending %s", n, what, window, ts[hi].Format(time.TimeOnly))
				}
			}
		}
	}
	check(api, time.Minute, docCallsPerMinute, "API calls")
	check(api, time.Hour, docCallsPerHour, "API calls")
	check(submits, time.Minute, docSubmitPerMinute, "submissions")
	return over, first
}

// sha256File returns the hex sha256 of a file's content.
func sha256File(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// sha256Hex is the hex sha256 of b.
func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// partFiles lists leftover download temp files (".*.part") under dir.
func partFiles(dir string) []string {
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasPrefix(d.Name(), ".") && strings.HasSuffix(d.Name(), ".part") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// containsAny reports which of needles occur in hay.
func containsAny(hay []byte, needles []string) []string {
	var found []string
	for _, n := range needles {
		if n != "" && bytes.Contains(hay, []byte(n)) {
			found = append(found, n)
		}
	}
	return found
}
