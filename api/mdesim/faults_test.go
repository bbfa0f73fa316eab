package mdesim

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestFaultKinds(t *testing.T) {
	t.Run("throttle", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.sim.SetFaults(Faults{Throttle429: 1, RetryAfter: 2500 * time.Millisecond})
		status, hdr, b := h.do("GET", "/api/libraryfiles", nil)
		if status != 429 || hdr.Get("Retry-After") != "3" || errCode(t, b) != "TooManyRequests" {
			t.Errorf("%d Retry-After=%q %s", status, hdr.Get("Retry-After"), b)
		}
	})
	t.Run("server error", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.sim.SetFaults(Faults{ServerError: 1})
		for i := 0; i < 5; i++ {
			status, _, b := h.do("GET", "/api/libraryfiles", nil)
			if status != 500 && status != 503 {
				t.Fatalf("status %d", status)
			}
			errCode(t, b)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.sim.SetFaults(Faults{Malformed: 1})
		status, _, b := h.do("GET", "/api/machines", nil)
		var v any
		if status != 200 || json.Unmarshal(b, &v) == nil {
			t.Errorf("want 200 with invalid JSON, got %d (%d bytes)", status, len(b))
		}
	})
	t.Run("drop before work", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.sim.SetFaults(Faults{DropBefore: 1})
		if _, err := h.rawDo("POST", "/api/machines/"+DeviceAnalyst+"/runliveresponse", lrBody("x", []string{"GetFile", "Path", `C:\a`})); err == nil {
			t.Fatal("expected a transport error")
		}
		if n := h.sim.LiveResponseActionCount(); n != 0 {
			t.Errorf("%d actions created, want 0", n)
		}
	})
	t.Run("drop after work", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.sim.SetFaults(Faults{DropAfterWork: 1})
		if _, err := h.rawDo("POST", "/api/machines/"+DeviceAnalyst+"/runliveresponse", lrBody("x", []string{"GetFile", "Path", `C:\a`})); err == nil {
			t.Fatal("expected a transport error")
		}
		if n := h.sim.ActionsFor(DeviceAnalyst); n != 1 {
			t.Errorf("%d actions created, want 1 (processed, then dropped)", n)
		}
		h.sim.SetFaults(Faults{})
		status, _, b := h.do("GET", "/api/machineactions?$filter="+urlq("machineId eq '"+DeviceAnalystID+"'"), nil)
		if status != 200 || len(obj(t, b)["value"].([]any)) != 1 {
			t.Errorf("the dropped submission should be visible: %d %s", status, b)
		}
		reqs := h.sim.Requests()
		var dropped bool
		for _, r := range reqs {
			if r.Method == "POST" && r.Status == 0 {
				dropped = true
			}
		}
		if !dropped {
			t.Errorf("dropped request not logged with status 0")
		}
	})
	t.Run("slow honours request context", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.sim.SetFaults(Faults{Slow: time.Hour})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", h.url+"/api/libraryfiles", nil)
		req.Header.Set("Authorization", "Bearer "+h.token)
		start := time.Now()
		_, err := http.DefaultClient.Do(req)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err %v, want deadline exceeded", err)
		}
		if time.Since(start) > 10*time.Second {
			t.Errorf("slow fault ignored the client's deadline")
		}
	})
	t.Run("paths filter", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.sim.SetFaults(Faults{ServerError: 1, Paths: []string{"/machineactions"}})
		if status, _, _ := h.do("GET", "/api/libraryfiles", nil); status != 200 {
			t.Errorf("unmatched path got fault: %d", status)
		}
		if status, _, _ := h.do("GET", "/api/machineactions", nil); status < 500 {
			t.Errorf("matched path got no fault: %d", status)
		}
	})
}

func TestFaultsAreDeterministic(t *testing.T) {
	run := func() []int {
		h := newHarness(t, Options{CallsPerMinute: 1000})
		h.sim.SetFaults(Faults{Seed: 5, Throttle429: 0.3, ServerError: 0.2})
		var out []int
		for i := 0; i < 30; i++ {
			s, _, _ := h.do("GET", "/api/libraryfiles", nil)
			out = append(out, s)
		}
		return out
	}
	a, b := run(), run()
	ok, mixed := 0, false
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("fault sequences differ at %d: %v vs %v", i, a, b)
		}
		if a[i] == 200 {
			ok++
		}
	}
	mixed = ok > 0 && ok < len(a)
	if !mixed {
		t.Errorf("probabilities 0.3/0.2 gave no mix: %v", a)
	}
}

// rawDo sends a request and returns the transport error, if any.
func (h *harness) rawDo(method, path string, body any) (*http.Response, error) {
	j, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, h.url+path, bytesReader(j))
	req.Header.Set("Authorization", "Bearer "+h.token)
	req.Header.Set("Content-Type", "application/json")
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err == nil {
		resp.Body.Close()
	}
	return resp, err
}
