package cli

import (
	"context"
	"io"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"mdlr/api/mdesim"
)

// BenchmarkDevicesJSON100k measures `mdlr devices --json` against a
// simulated tenant of 100,000 devices served over loopback HTTP (the
// tenant runs in this process too). It reports the peak heap in use,
// sampled while the command runs.
func BenchmarkDevicesJSON100k(b *testing.B) {
	sim := mdesim.New(mdesim.Options{Devices: 100_000})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	env := map[string]string{
		"AZURE_TENANT_ID": mdesim.DemoTenantID, "AZURE_CLIENT_ID": mdesim.DemoClientID,
		"AZURE_CLIENT_SECRET": mdesim.DemoClientSecret, "AZURE_AUTHORITY_HOST": srv.URL,
		"MDLR_API_URL": srv.URL, "MDLR_STATE_DIR": b.TempDir(), "XDG_CONFIG_HOME": b.TempDir(),
	}
	var peak uint64
	for b.Loop() {
		done := make(chan struct{})
		go func() {
			var ms runtime.MemStats
			t := time.NewTicker(20 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					runtime.ReadMemStats(&ms)
					peak = max(peak, ms.HeapInuse)
				}
			}
		}()
		app := NewApp(io.Discard, io.Discard, func(k string) string { return env[k] })
		if code := app.Main(context.Background(), []string{"devices", "--json"}); code != 0 {
			b.Fatalf("exit %d", code)
		}
		close(done)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
