package mdesim

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestStartServesOnLoopbackOnly(t *testing.T) {
	sim := New(Options{})
	if _, err := sim.Start("0.0.0.0:0"); err == nil {
		t.Fatal("listening on all interfaces should be refused")
	}
	if _, err := sim.Start("nonsense"); err == nil {
		t.Fatal("bad address should be an error")
	}
	srv, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Errorf("URL %q", srv.URL)
	}
	resp, err := http.Get(srv.URL + "/api/machines")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("unauthenticated list: %d", resp.StatusCode)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if _, err := http.Get(srv.URL + "/api/machines"); err == nil {
		t.Error("server still answers after Close")
	}
}

func TestRequestLogIsBounded(t *testing.T) {
	var l requestLog
	for i := 0; i < requestLogSize+10; i++ {
		l.add(RequestRecord{Status: i})
	}
	s := l.snapshot()
	if len(s) != requestLogSize || s[0].Status != 10 || s[len(s)-1].Status != requestLogSize+9 {
		t.Errorf("ring: len %d first %d last %d", len(s), s[0].Status, s[len(s)-1].Status)
	}
}

func TestConcurrentUse(t *testing.T) {
	h := newHarness(t, Options{Devices: 300, SubmitPerMinute: 1000, CallsPerMinute: 10000, CallsPerHour: 100000, MaxConcurrent: 1000})
	_, p, _ := h.listMachines("$top=40&$skip=100")
	var wg sync.WaitGroup
	created := make(chan int, len(p.Value))
	for _, m := range p.Value {
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			status, _, _ := h.do("POST", "/api/machines/"+id+"/runliveresponse", lrBody("x", []string{"GetFile", "Path", "/x"}))
			if status == 201 {
				created <- 1
			}
			h.do("GET", "/api/machineactions?$top=5", nil)
			h.do("GET", "/api/machines/"+id, nil)
		}(m["id"].(string))
	}
	wg.Wait()
	close(created)
	n := 0
	for range created {
		n++
	}
	if n != len(p.Value) || h.sim.LiveResponseActionCount() != n {
		t.Errorf("%d created, sim counted %d, want %d", n, h.sim.LiveResponseActionCount(), len(p.Value))
	}
}
