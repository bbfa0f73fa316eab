package devices

import (
	"net/http/httptest"
	"runtime"
	"testing"

	"mdlr/api"
	"mdlr/api/mdesim"
)

// simFleetModel loads a screen with n devices streamed from the simulated
// tenant over loopback HTTP, as the console does in demo mode.
func simFleetModel(tb testing.TB, n int) *Model {
	tb.Helper()
	srv := httptest.NewServer(mdesim.New(mdesim.Options{Devices: n, Seed: 3}))
	tb.Cleanup(srv.Close)
	client, err := api.New(api.Config{
		BaseURL: srv.URL, TokenURL: mdesim.TokenURL(srv.URL, mdesim.DemoTenantID),
		ClientID: mdesim.DemoClientID, ClientSecret: mdesim.DemoClientSecret,
	})
	if err != nil {
		tb.Fatal(err)
	}
	m := New(newCommon(client))
	m.FreezeSpinner()
	m.SetSize(200, 50)
	drain(&testing.T{}, m, m.Init())
	if len(m.rows) != n {
		tb.Fatalf("loaded %d of %d devices", len(m.rows), n)
	}
	return m
}

// heapInUse is the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkRetainedPerDevice loads 100,000 devices from the simulated
// tenant into the screen, runs a filter, and reports the heap the screen
// keeps per device once garbage is collected.
func BenchmarkRetainedPerDevice(b *testing.B) {
	const n = 100_000
	for b.Loop() {
		before := heapInUse()
		m := simFleetModel(b, n)
		loaded := heapInUse()
		typeText(m, "/win")
		m.Update(press('e', "e"))
		_ = m.View()
		filtered := heapInUse()
		b.ReportMetric(float64(loaded-before)/n, "B/device")
		b.ReportMetric(float64(filtered-before)/n, "B/device-filtered")
		b.ReportMetric(float64(filtered-before)/(1<<20), "MB-filtered")
		runtime.KeepAlive(m)
	}
}
