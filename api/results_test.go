package api

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// blobHost serves result blobs and records what it saw.
type blobHost struct {
	srv *httptest.Server

	mu        sync.Mutex
	authSeen  []string
	hits      int
	body      []byte
	forbidden int // answer 403 to this many first requests
}

func newBlobHost(t *testing.T, body []byte) *blobHost {
	b := &blobHost{body: body}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		b.hits++
		b.authSeen = append(b.authSeen, r.Header.Get("Authorization"))
		deny := b.hits <= b.forbidden
		body := b.body
		b.mu.Unlock()
		if deny {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `<Error><Code>AuthenticationFailed</Code></Error>`)
			return
		}
		w.Write(body)
	}))
	t.Cleanup(b.srv.Close)
	return b
}

// linkServer is a tenant whose result-link endpoint returns blob links.
type linkServer struct {
	*tenant
	mu        sync.Mutex
	linkCalls int
	rawPath   string
	expiry    func(n int) string // se= value for link call n
}

func newLinkServer(t *testing.T, blob *blobHost) *linkServer {
	ls := &linkServer{tenant: newTenant(t), expiry: func(int) string { return "2025-11-03T09:30:00Z" }}
	ls.handle("GET /api/machineactions/{rest...}", func(w http.ResponseWriter, r *http.Request) {
		ls.mu.Lock()
		ls.linkCalls++
		n := ls.linkCalls
		ls.rawPath = r.URL.RequestURI()
		se := ls.expiry(n)
		ls.mu.Unlock()
		link := blob.srv.URL + "/investigation-actions-data/t/CustomPlaybookCommandOutput/4ed5?se=" + se + "&sp=r&sv=2019-07-07&sr=b&sig=SECRETSIG"
		writeJSON(w, 200, fmt.Sprintf(`{"@odata.context": "https://api.security.microsoft.com/api/$metadata#Edm.String", "value": %q}`, link))
	})
	return ls
}

func TestFetchScriptResultWithoutAuthorization(t *testing.T) {
	blob := newBlobHost(t, []byte(scriptResultJSON))
	ls := newLinkServer(t, blob)
	c := ls.client(t, newFakeClock())
	res, err := c.FetchScriptResult(t.Context(), "2e9da30d", 1)
	if err != nil {
		t.Fatal(err)
	}
	if res.ScriptName != "collect-triage.ps1" || res.ExitCode != 0 || res.ScriptErrors != "" ||
		strings.Contains(res.ScriptOutput, "\x00") || !strings.HasSuffix(res.ScriptOutput, "(38 MB)\n") {
		t.Fatalf("result = %+v", res)
	}
	if ls.rawPath != "/api/machineactions/2e9da30d/GetLiveResponseResultDownloadLink(index=1)" {
		t.Fatalf("link path = %q", ls.rawPath)
	}
	if len(blob.authSeen) != 1 || blob.authSeen[0] != "" {
		t.Fatalf("blob saw Authorization %q", blob.authSeen)
	}
}

func TestExpiredLinkIsReRequested(t *testing.T) {
	blob := newBlobHost(t, []byte(scriptResultJSON))
	blob.forbidden = 1
	ls := newLinkServer(t, blob)
	c := ls.client(t, newFakeClock())
	if _, err := c.FetchScriptResult(t.Context(), "a", 1); err != nil {
		t.Fatal(err)
	}
	if ls.linkCalls != 2 || blob.hits != 2 {
		t.Fatalf("link calls=%d blob hits=%d, want 2 and 2", ls.linkCalls, blob.hits)
	}
}

// TestLinkWithPastExpiryIsStillTried: se= is on the storage host's clock,
// not ours, so a skewed local clock must not throw away a fresh link; the
// host's answer decides.
func TestLinkWithPastExpiryIsStillTried(t *testing.T) {
	blob := newBlobHost(t, []byte(scriptResultJSON))
	ls := newLinkServer(t, blob)
	ls.expiry = func(int) string { return "2025-11-03T08:00:00Z" } // before the fake clock's 09:00
	c := ls.client(t, newFakeClock())
	if _, err := c.FetchScriptResult(t.Context(), "a", 1); err != nil {
		t.Fatal(err)
	}
	if ls.linkCalls != 1 || blob.hits != 1 {
		t.Fatalf("link calls=%d blob hits=%d, want 1 and 1", ls.linkCalls, blob.hits)
	}
}

func TestAlwaysForbiddenBlobGivesUpWithoutLeakingSignature(t *testing.T) {
	blob := newBlobHost(t, []byte(scriptResultJSON))
	blob.forbidden = 100
	ls := newLinkServer(t, blob)
	c := ls.client(t, newFakeClock())
	_, err := c.FetchScriptResult(t.Context(), "a", 1)
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), "SECRETSIG") {
		t.Fatalf("error leaks SAS signature: %v", err)
	}
	if blob.hits != resultAttempts {
		t.Fatalf("blob hits = %d, want %d", blob.hits, resultAttempts)
	}
}

func TestPlainHTTPBlobLinkToRemoteHostRefused(t *testing.T) {
	ten := newTenant(t)
	ten.handle("GET /api/machineactions/{rest...}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"value": "http://evil.example.com/blob?sig=x"}`)
	})
	c := ten.client(t, newFakeClock())
	_, err := c.GetResultDownloadLink(t.Context(), "a", 0)
	if err == nil || !strings.Contains(err.Error(), "only https") {
		t.Fatalf("err = %v", err)
	}
}

func gzipBytes(t *testing.T, data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSaveFileResultGunzipsToDisk(t *testing.T) {
	content := bytes.Repeat([]byte("PK\x03\x04 zip payload "), 50000)
	blob := newBlobHost(t, gzipBytes(t, content))
	ls := newLinkServer(t, blob)
	c := ls.client(t, newFakeClock())
	dir := t.TempDir()
	dest := filepath.Join(dir, "triage.zip")
	saved, err := c.SaveFileResult(t.Context(), "a", 2, dest)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	if saved.Path != dest || saved.Bytes != int64(len(content)) || saved.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("saved = %+v", saved)
	}
	got, _ := os.ReadFile(dest)
	if !bytes.Equal(got, content) {
		t.Fatal("file content differs")
	}
	st, _ := os.Stat(dest)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v", st.Mode())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("leftover files: %v", entries)
	}
	if blob.authSeen[0] != "" {
		t.Fatal("blob saw Authorization")
	}
}

func TestSaveFileResultRawWhenNotGzip(t *testing.T) {
	content := []byte("plain text, not gzip")
	blob := newBlobHost(t, content)
	ls := newLinkServer(t, blob)
	c := ls.client(t, newFakeClock())
	dest := filepath.Join(t.TempDir(), "out.txt")
	saved, err := c.SaveFileResult(t.Context(), "a", 0, dest)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(dest)
	if saved.Bytes != int64(len(content)) || !bytes.Equal(got, content) {
		t.Fatalf("saved=%+v got=%q", saved, got)
	}
}

func TestSaveFileResultNeverOverwrites(t *testing.T) {
	blob := newBlobHost(t, gzipBytes(t, []byte("new")))
	ls := newLinkServer(t, blob)
	c := ls.client(t, newFakeClock())
	dir := t.TempDir()
	dest := filepath.Join(dir, "exists.bin")
	if err := os.WriteFile(dest, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := c.SaveFileResult(t.Context(), "a", 0, dest)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("err = %v", err)
	}
	got, _ := os.ReadFile(dest)
	if string(got) != "old" {
		t.Fatalf("existing file changed to %q", got)
	}
	// Created between the early check and the link: still not overwritten.
	dest2 := filepath.Join(dir, "race.bin")
	_, err = saveStream(bytes.NewReader([]byte("x")), dest2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := saveStream(bytes.NewReader([]byte("y")), dest2); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second save err = %v", err)
	}
	if got, _ := os.ReadFile(dest2); string(got) != "x" {
		t.Fatalf("race file = %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Fatalf("leftover temp files: %v", entries)
	}
}

func TestSaveFileResultCorruptGzip(t *testing.T) {
	bad := gzipBytes(t, bytes.Repeat([]byte("abc"), 1000))
	bad[len(bad)-5] ^= 0xff // break the CRC
	blob := newBlobHost(t, bad)
	ls := newLinkServer(t, blob)
	c := ls.client(t, newFakeClock())
	dir := t.TempDir()
	if _, err := c.SaveFileResult(t.Context(), "a", 0, filepath.Join(dir, "x")); err == nil {
		t.Fatal("corrupt gzip accepted")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files left behind: %v", entries)
	}
}

func TestSaveFileResultRestartsAfterTruncatedDownload(t *testing.T) {
	content := bytes.Repeat([]byte("evidence "), 20000)
	gz := gzipBytes(t, content)
	var mu sync.Mutex
	hits := 0
	blobSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		first := hits == 1
		mu.Unlock()
		if first { // promise more than is sent: the client sees a cut connection
			w.Header().Set("Content-Length", fmt.Sprint(len(gz)))
			w.Write(gz[:len(gz)/2])
			return
		}
		w.Write(gz)
	}))
	t.Cleanup(blobSrv.Close)
	ls := newLinkServer(t, &blobHost{srv: blobSrv})
	clk := newFakeClock()
	c := ls.client(t, clk)
	dir := t.TempDir()
	saved, err := c.SaveFileResult(t.Context(), "a", 0, filepath.Join(dir, "ev.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if saved.Bytes != int64(len(content)) || hits != 2 || ls.linkCalls != 2 {
		t.Fatalf("saved=%+v hits=%d links=%d", saved, hits, ls.linkCalls)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("dir = %v", entries)
	}
}

func TestBlobRedirectToPlainHTTPRemoteRefused(t *testing.T) {
	blobSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://evil.example.com/steal", http.StatusFound)
	}))
	t.Cleanup(blobSrv.Close)
	ls := newLinkServer(t, &blobHost{srv: blobSrv})
	c := ls.client(t, newFakeClock())
	_, err := c.FetchScriptResult(t.Context(), "a", 0)
	if err == nil || !strings.Contains(err.Error(), "only https") {
		t.Fatalf("err = %v", err)
	}
}
