package api

import (
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestTLSVerificationAlwaysOn points a default client at a TLS server with
// a certificate nobody trusts: sign-in must fail on the certificate, and the
// server must never receive a request (so never the secret).
func TestTLSVerificationAlwaysOn(t *testing.T) {
	var reached atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"tok","token_type":"Bearer","expires_in":3599}`))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	clk := newFakeClock()
	c, err := New(Config{BaseURL: srv.URL, TokenURL: srv.URL + "/t/oauth2/v2.0/token", ClientID: testClient, ClientSecret: testSecret,
		Now: clk.Now, Sleep: clk.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetMachine(t.Context(), "m1")
	if err == nil {
		t.Fatal("a server with an untrusted certificate was accepted")
	}
	if !strings.Contains(strings.ToLower(err.Error()), "certificate") {
		t.Errorf("error does not name the certificate problem: %v", err)
	}
	if strings.Contains(err.Error(), testSecret) {
		t.Errorf("error quotes the secret: %v", err)
	}
	if n := reached.Load(); n != 0 {
		t.Fatalf("the untrusted server received %d requests", n)
	}
	// The result-link client verifies too.
	err = c.fetchBlob(t.Context(), srv.URL+"/blob/x?sig=s", func(io.Reader) error { return nil })
	if err == nil || !errors.Is(err, ErrNetwork) || !strings.Contains(strings.ToLower(err.Error()), "certificate") {
		t.Fatalf("result link on an untrusted server: %v", err)
	}
	if n := reached.Load(); n != 0 {
		t.Fatalf("the untrusted server received %d requests", n)
	}
}

// TestDefaultTransportsNeverSkipVerification checks every default client
// (token, API, result links) keeps TLS verification on.
func TestDefaultTransportsNeverSkipVerification(t *testing.T) {
	c, err := New(Config{BaseURL: DefaultAPIURL, TokenURL: TokenURLFor(DefaultAuthorityHost, "t"), ClientID: "a", ClientSecret: "b"})
	if err != nil {
		t.Fatal(err)
	}
	for name, hc := range map[string]*http.Client{"api": c.http, "blob": c.blob, "token": tokenHTTPClient(nil)} {
		tr, ok := hc.Transport.(*http.Transport)
		if !ok {
			t.Fatalf("%s client has transport %T", name, hc.Transport)
		}
		if cfg := tr.TLSClientConfig; cfg != nil && cfg.InsecureSkipVerify {
			t.Errorf("%s client skips TLS verification", name)
		}
		if cfg := tr.TLSClientConfig; cfg != nil && cfg.MinVersion != 0 && cfg.MinVersion < tls.VersionTLS12 {
			t.Errorf("%s client allows TLS below 1.2", name)
		}
	}
}
