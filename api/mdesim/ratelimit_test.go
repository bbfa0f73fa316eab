package mdesim

import (
	"strconv"
	"testing"
	"time"
)

func TestCallsPerMinuteBudget(t *testing.T) {
	h := newHarness(t, Options{CallsPerMinute: 5, CallsPerHour: 8})
	for i := 0; i < 5; i++ {
		if status, _, _ := h.do("GET", "/api/libraryfiles", nil); status != 200 {
			t.Fatalf("call %d: %d", i, status)
		}
	}
	status, hdr, b := h.do("GET", "/api/libraryfiles", nil)
	if status != 429 || errCode(t, b) != "TooManyRequests" {
		t.Fatalf("6th call: %d %s", status, b)
	}
	if ra, err := strconv.Atoi(hdr.Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
		t.Errorf("Retry-After %q", hdr.Get("Retry-After"))
	}
	// A new token has its own budget.
	other := h.fetchToken(DemoClientSecret)
	if status, _, _ := h.doWith("GET", h.url+"/api/libraryfiles", nil, "Bearer "+other); status != 200 {
		t.Errorf("fresh token throttled: %d", status)
	}
	h.clock.Advance(time.Minute)
	for i := 0; i < 3; i++ {
		if status, _, _ := h.do("GET", "/api/libraryfiles", nil); status != 200 {
			t.Fatalf("after a minute, call %d: %d", i, status)
		}
	}
	status, hdr, _ = h.do("GET", "/api/libraryfiles", nil)
	if status != 429 {
		t.Fatalf("hourly budget not enforced: %d", status)
	}
	if ra, _ := strconv.Atoi(hdr.Get("Retry-After")); ra < 60 {
		t.Errorf("hourly Retry-After %d should exceed a minute", ra)
	}
}

func TestSubmitRateAndConcurrencyCap(t *testing.T) {
	h := newHarness(t, Options{Devices: 200, SubmitPerMinute: 3, MaxConcurrent: 100})
	devs := []string{DeviceAnalyst, DeviceDC, DeviceMac, DeviceHostile}
	for i := 0; i < 3; i++ {
		h.submit(devs[i], []string{"GetFile", "Path", `/a`})
	}
	status, hdr, b := h.do("POST", "/api/machines/"+devs[3]+"/runliveresponse", lrBody("x", []string{"GetFile", "Path", `C:\a`}))
	if status != 429 || errCode(t, b) != "TooManyRequests" || hdr.Get("Retry-After") == "" {
		t.Fatalf("4th submit in a minute: %d %s", status, b)
	}

	c := newHarness(t, Options{SubmitPerMinute: 100, MaxConcurrent: 2})
	c.submit(DeviceAnalyst, []string{"RunScript", "ScriptName", ScriptSlow}) // plus the busy device's action = 2
	status, hdr, b = c.do("POST", "/api/machines/"+DeviceDC+"/runliveresponse", lrBody("x", []string{"GetFile", "Path", `C:\a`}))
	if status != 429 || hdr.Get("Retry-After") == "" {
		t.Fatalf("over the concurrency cap: %d %s", status, b)
	}
	c.advance(SlowScriptDuration + time.Minute)
	c.submit(DeviceDC, []string{"GetFile", "Path", `C:\a`})
}

func TestWindowAdmit(t *testing.T) {
	var w window
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 3; i++ {
		if d := w.admit(t0.Add(time.Duration(i)*10*time.Second), 3, 0); d != 0 {
			t.Fatalf("call %d refused", i)
		}
	}
	if d := w.admit(t0.Add(30*time.Second), 3, 0); d != 30*time.Second {
		t.Errorf("wait %v, want 30s (until the first call leaves the window)", d)
	}
	if d := w.admit(t0.Add(60*time.Second+time.Millisecond), 3, 0); d != 0 {
		t.Errorf("after the first call left the window: wait %v", d)
	}
}
