package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lineWriter buffers what is written and calls onLine for each complete line.
type lineWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	part   string
	onLine func(string)
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf.Write(p)
	w.part += string(p)
	var lines []string
	for {
		i := strings.IndexByte(w.part, '\n')
		if i < 0 {
			break
		}
		lines = append(lines, w.part[:i])
		w.part = w.part[i+1:]
	}
	on := w.onLine
	w.mu.Unlock()
	for _, l := range lines {
		if on != nil {
			on(l)
		}
	}
	return len(p), nil
}

func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// runCtx is h.run with the caller's context and a hook on every stderr
// line (e.g. to cancel a device sign-in once its code is shown).
func (h *harness) runCtx(ctx context.Context, onStderr func(line string), args ...string) (string, string, int) {
	h.t.Helper()
	var stdout bytes.Buffer
	stderr := &lineWriter{onLine: onStderr}
	app := NewApp(&syncWriter{w: &stdout, mu: &h.mu}, stderr, func(k string) string { return h.env[k] })
	app.Now = h.clock.Now
	app.ClientSleep = func(ctx context.Context, d time.Duration) error {
		h.clock.Advance(d)
		return ctx.Err()
	}
	app.Sleep = func(ctx context.Context, d time.Duration) error {
		h.clock.Advance(d)
		return ctx.Err()
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	code := app.Main(ctx, args)
	h.mu.Lock()
	defer h.mu.Unlock()
	return stdout.String(), stderr.String(), code
}

// writeFile0600 writes b to a new private file and returns its path.
func writeFile0600(t *testing.T, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// strangerCertificatePEM is a fresh self-signed certificate and key that
// no app registration knows.
func strangerCertificatePEM(t *testing.T) []byte {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "stranger"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})...)
}

// filesUnder returns every regular file below dir with its content.
func filesUnder(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, err := os.ReadFile(p); err == nil {
				out[p] = b
			}
		}
		return nil
	})
	return out
}
