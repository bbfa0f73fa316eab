package api

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestSaveFileResultRefusesErrorPages checks that a 200 from the storage
// host carrying an HTML or XML page (a proxy's block page, a storage error
// passed through) is never saved as evidence, and that the next attempt
// with a fresh link saves the real file.
func TestSaveFileResultRefusesErrorPages(t *testing.T) {
	for _, ct := range []string{"text/html; charset=utf-8", "application/xml"} {
		t.Run(ct, func(t *testing.T) {
			content := []byte("real evidence bytes\n")
			var mu sync.Mutex
			hits := 0
			blobSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				hits++
				first := hits == 1
				mu.Unlock()
				if first {
					w.Header().Set("Content-Type", ct)
					w.Write([]byte(`<?xml version="1.0"?><Error><Code>AuthenticationFailed</Code></Error>`))
					return
				}
				w.Header().Set("Content-Type", "application/octet-stream")
				w.Write(gzipBytes(t, content))
			}))
			t.Cleanup(blobSrv.Close)
			ls := newLinkServer(t, &blobHost{srv: blobSrv})
			c := ls.client(t, newFakeClock())
			dest := filepath.Join(t.TempDir(), "ev.bin")
			saved, err := c.SaveFileResult(t.Context(), "a", 0, dest)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(dest)
			if string(got) != string(content) || saved.Bytes != int64(len(content)) || hits != 2 {
				t.Fatalf("saved %q (%+v) after %d downloads", got, saved, hits)
			}
		})
	}
}

// TestSaveFileResultErrorPageOnlyFails checks the error when every
// download is a page: nothing is left on disk.
func TestSaveFileResultErrorPageOnlyFails(t *testing.T) {
	blobSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>blocked by proxy</html>"))
	}))
	t.Cleanup(blobSrv.Close)
	ls := newLinkServer(t, &blobHost{srv: blobSrv})
	c := ls.client(t, newFakeClock())
	dir := t.TempDir()
	if _, err := c.SaveFileResult(t.Context(), "a", 0, filepath.Join(dir, "x")); err == nil {
		t.Fatal("an HTML page was saved as the result")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files left behind: %v", entries)
	}
}
