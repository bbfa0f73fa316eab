package mdesim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// BenchmarkList100kDevices lists a 100k fleet in pages of 10k over loopback HTTP.
func BenchmarkList100kDevices(b *testing.B) {
	sim := New(Options{Devices: MaxDevices, CallsPerMinute: 1 << 30, CallsPerHour: 1 << 30})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	sim.mu.Lock()
	sim.tokens["bench"] = &tokenInfo{expires: sim.opts.Now().Add(1e15), clientID: DemoClientID, perms: appRolesFull}
	sim.mu.Unlock()
	var bytes int64
	for b.Loop() {
		bytes = 0
		for skip := 0; skip < MaxDevices; skip += 10000 {
			req, _ := http.NewRequest("GET", srv.URL+"/api/machines?$top=10000&$skip="+strconv.Itoa(skip), nil)
			req.Header.Set("Authorization", "Bearer bench")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
			bytes += n
		}
	}
	b.ReportMetric(float64(bytes)/1e6, "MB/fleet")
}

func TestLookupAcrossLargeFleet(t *testing.T) {
	f := &fleet{seed: 11, size: MaxDevices}
	for _, i := range []int{7, 8, 1000, 54321, MaxDevices - 1} {
		m := f.byIndex(i)
		if got := f.lookup(m.id); got == nil || got.index != i {
			t.Errorf("lookup by id of %d failed", i)
		}
		if got := f.lookup(m.name); got == nil || got.index != i {
			t.Errorf("lookup by name %s of %d failed", m.name, i)
		}
	}
	if f.byIndex(MaxDevices) != nil || f.lookup(f.generatedID(MaxDevices)) != nil {
		t.Error("index beyond the fleet resolved")
	}
}
