package api

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mdlr/api/mdesim"
)

// simTenant is the simulated tenant over loopback HTTP, recording the
// forms posted to its sign-in endpoints and signalling each token poll.
type simTenant struct {
	t   *testing.T
	sim *mdesim.Sim
	url string

	mu    sync.Mutex
	forms []url.Values  // token endpoint forms, in order
	polls chan struct{} // one value per device code poll (buffered)
}

func newSimTenant(t *testing.T, opts mdesim.Options) *simTenant {
	t.Helper()
	st := &simTenant{t: t, sim: mdesim.New(opts), polls: make(chan struct{}, 100)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token") && r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			_ = r.ParseForm()
			st.mu.Lock()
			st.forms = append(st.forms, r.PostForm)
			st.mu.Unlock()
			if r.PostForm.Get("grant_type") == "urn:ietf:params:oauth:grant-type:device_code" {
				defer func() {
					select {
					case st.polls <- struct{}{}:
					default:
					}
				}()
			}
		}
		st.sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	st.url = srv.URL
	return st
}

func (st *simTenant) tokenURL() string { return mdesim.TokenURL(st.url, mdesim.DemoTenantID) }

// tokenForms returns the token endpoint forms posted so far.
func (st *simTenant) tokenForms() []url.Values {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]url.Values(nil), st.forms...)
}

// waitPoll waits (bounded) for the next device code poll to be answered.
func (st *simTenant) waitPoll() {
	st.t.Helper()
	select {
	case <-st.polls:
	case <-time.After(10 * time.Second):
		st.t.Fatal("no device code poll within 10s")
	}
}

// requestsTo counts requests whose path ends in suffix.
func (st *simTenant) requestsTo(suffix string) int {
	n := 0
	for _, r := range st.sim.Requests() {
		if strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

// newSelfSigned returns a fresh RSA key and a self-signed certificate for it.
func newSelfSigned(t *testing.T) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: "mdlr test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert
}

// writePEM writes cert and key to a PEM file in a temp dir and returns its path.
func writePEM(t *testing.T, cert *x509.Certificate, key *rsa.PrivateKey) string {
	t.Helper()
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	data := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb})...)
	return writeFile(t, "cred.pem", data)
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// postForm posts a form and returns the status and body.
func postForm(t *testing.T, u string, fields map[string]string) (int, string) {
	t.Helper()
	v := url.Values{}
	for k, f := range fields {
		v.Set(k, f)
	}
	resp, err := http.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
