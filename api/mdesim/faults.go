package mdesim

import (
	"bytes"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Faults are fault-injection knobs, settable at runtime with SetFaults.
// Given Seed and the same request sequence, the injected faults repeat.
type Faults struct {
	Seed int64
	// Throttle429 is the probability of a 429 TooManyRequests with Retry-After.
	Throttle429 float64
	// RetryAfter is the Retry-After value sent (rounded up to seconds; default 1s).
	RetryAfter time.Duration
	// ServerError is the probability of a 500 or 503 with the error envelope.
	ServerError float64
	// DropAfterWork is the probability that a request is processed but the
	// connection is then closed without a response.
	DropAfterWork float64
	// DropBefore is the probability that the connection is closed before processing.
	DropBefore float64
	// Slow is latency added to every request (cut short if the request ends).
	Slow time.Duration
	// Malformed is the probability of a 200 whose body is truncated JSON.
	Malformed float64
	// ExpireLinks makes result links already expired when issued.
	ExpireLinks bool
	// Paths, when non-empty, limits faults to requests whose path contains one of them.
	Paths []string
}

// SetFaults replaces the fault configuration.
func (s *Sim) SetFaults(f Faults) {
	f.Paths = append([]string(nil), f.Paths...)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
	s.faultRand = rand.New(rand.NewPCG(uint64(f.Seed), 0xfa17))
}

// faultPlan is what to do to one request, decided up front.
type faultPlan struct {
	slow                        time.Duration
	dropBefore, throttle, fail5 bool
	malformed, dropAfter        bool
	retryAfter                  time.Duration
	status5xx                   int
}

func (s *Sim) planFaults(path string) faultPlan {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults
	if len(f.Paths) > 0 {
		match := false
		for _, p := range f.Paths {
			if p != "" && strings.Contains(path, p) {
				match = true
				break
			}
		}
		if !match {
			return faultPlan{}
		}
	}
	roll := func(p float64) bool { return p > 0 && s.faultRand.Float64() < p }
	fp := faultPlan{slow: f.Slow, retryAfter: f.RetryAfter}
	if fp.retryAfter <= 0 {
		fp.retryAfter = time.Second
	}
	fp.dropBefore = roll(f.DropBefore)
	fp.throttle = roll(f.Throttle429)
	fp.fail5 = roll(f.ServerError)
	fp.status5xx = http.StatusInternalServerError
	if s.faultRand.IntN(2) == 1 {
		fp.status5xx = http.StatusServiceUnavailable
	}
	fp.malformed = roll(f.Malformed)
	fp.dropAfter = roll(f.DropAfterWork)
	return fp
}

func (s *Sim) linksExpired() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.ExpireLinks
}

// serveWithFaults applies the fault plan around next.
func (s *Sim) serveWithFaults(w *statusRecorder, r *http.Request, next http.HandlerFunc) {
	fp := s.planFaults(r.URL.Path)
	if fp.slow > 0 {
		t := time.NewTimer(fp.slow)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	switch {
	case fp.dropBefore:
		dropConnection(w)
		return
	case fp.throttle:
		writeRetryAfter(w, fp.retryAfter, "Too many requests (injected fault). Retry later.")
		return
	case fp.fail5:
		code, msg := codeInternalError, "An internal server error occurred (injected fault)."
		if fp.status5xx == http.StatusServiceUnavailable {
			code, msg = codeServiceUnavailable, "The service is temporarily unavailable (injected fault)."
		}
		writeError(w, fp.status5xx, code, msg)
		return
	case fp.dropAfter || fp.malformed:
		buf := &bufferedWriter{header: http.Header{}}
		next(buf, r)
		if fp.dropAfter {
			dropConnection(w)
			return
		}
		body := buf.body.Bytes()
		cut := len(body) / 2
		if cut < 2 {
			body, cut = []byte(`{"value":[`), 10
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(cut))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:cut])
		return
	}
	next(w, r)
}

// dropConnection closes the client connection without a response.
func dropConnection(w *statusRecorder) {
	if w.beforeDrop != nil {
		w.beforeDrop()
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// bufferedWriter collects a handler's response in memory.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }
func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
