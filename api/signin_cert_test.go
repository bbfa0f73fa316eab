package api

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"mdlr/api/mdesim"
	"software.sslmate.com/src/go-pkcs12"
)

var guidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// decodeJWT splits a compact JWS and decodes header and claims.
func decodeJWT(t *testing.T, jwt string) (hdr, claims map[string]any, signing string, sig []byte) {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %d parts", len(parts))
	}
	dec := func(s string, v any) {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Fatalf("segment is not base64url: %v", err)
		}
		d := json.NewDecoder(strings.NewReader(string(b)))
		d.UseNumber()
		if err := d.Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	dec(parts[0], &hdr)
	dec(parts[1], &claims)
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	return hdr, claims, parts[0] + "." + parts[1], sig
}

func TestSignAssertionKnownVector(t *testing.T) {
	key, cert := newSelfSigned(t)
	now := time.Date(2026, 11, 27, 8, 30, 0, 0, time.UTC)
	aud := "https://login.microsoftonline.com/contoso/oauth2/v2.0/token"
	jwt, err := signAssertion(cert, key, "app-1", aud, now)
	if err != nil {
		t.Fatal(err)
	}
	hdr, claims, signing, sig := decodeJWT(t, jwt)

	thumb := sha256.Sum256(cert.Raw)
	wantHdr := map[string]any{"alg": "PS256", "typ": "JWT", "x5t#S256": base64.RawURLEncoding.EncodeToString(thumb[:])}
	if len(hdr) != len(wantHdr) {
		t.Errorf("header has %d fields, want %d: %v", len(hdr), len(wantHdr), hdr)
	}
	for k, v := range wantHdr {
		if hdr[k] != v {
			t.Errorf("header %s = %v, want %v", k, hdr[k], v)
		}
	}
	want := map[string]string{"aud": aud, "iss": "app-1", "sub": "app-1",
		"nbf": "1795768200", "iat": "1795768200", "exp": "1795768500"}
	for k, v := range want {
		if got := claims[k]; got == nil || fmt.Sprint(got) != v {
			t.Errorf("claim %s = %v, want %s", k, got, v)
		}
	}
	if jti, _ := claims["jti"].(string); !guidRE.MatchString(jti) {
		t.Errorf("jti %q is not a version-4 GUID", jti)
	}

	digest := sha256.Sum256([]byte(signing))
	pss := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
	if err := rsa.VerifyPSS(&key.PublicKey, crypto.SHA256, digest[:], sig, pss); err != nil {
		t.Fatalf("PS256 signature does not verify: %v", err)
	}
	if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, digest[:], sig); err == nil {
		t.Error("signature verifies as PKCS#1 v1.5 (RS256): want PSS")
	}
	tampered := sha256.Sum256([]byte(signing + "x"))
	if rsa.VerifyPSS(&key.PublicKey, crypto.SHA256, tampered[:], sig, pss) == nil {
		t.Error("signature verifies over different content")
	}
	other, _ := newSelfSigned(t)
	if rsa.VerifyPSS(&other.PublicKey, crypto.SHA256, digest[:], sig, pss) == nil {
		t.Error("signature verifies with another key")
	}
}

// demoCredential writes the simulated tenant's demo certificate to a file
// and loads it.
func demoCredential(t *testing.T) ([]*x509.Certificate, crypto.Signer) {
	t.Helper()
	certs, key, err := LoadCertificate(writeFile(t, "demo.pem", mdesim.DemoCertificatePEM()), "")
	if err != nil {
		t.Fatal(err)
	}
	return certs, key
}

func TestCertificateSignInAgainstSim(t *testing.T) {
	st := newSimTenant(t, mdesim.Options{})
	certs, key := demoCredential(t)
	ts, err := NewCertificateTokenSource(context.Background(), CertConfig{
		TokenURL: st.tokenURL(), ClientID: mdesim.DemoClientID, Certs: certs, Key: key,
	})
	if err != nil {
		t.Fatal(err)
	}
	t1, err := ts.Token()
	if err != nil {
		t.Fatalf("first token: %v", err)
	}
	t2, err := ts.Token()
	if err != nil {
		t.Fatalf("second token (a replayed assertion would fail here): %v", err)
	}
	if t1.AccessToken == t2.AccessToken {
		t.Error("two Token calls returned the same access token: want one token request each")
	}
	forms := st.tokenForms()
	if len(forms) != 2 {
		t.Fatalf("%d token requests, want 2", len(forms))
	}
	jtis := map[string]bool{}
	for _, f := range forms {
		if f.Get("grant_type") != "client_credentials" || f.Get("client_id") != mdesim.DemoClientID ||
			f.Get("scope") != DefaultScope || f.Get("client_assertion_type") != clientAssertionType || f.Has("client_secret") {
			t.Errorf("token form %v", redactForm(f))
		}
		_, claims, _, _ := decodeJWT(t, f.Get("client_assertion"))
		if claims["aud"] != st.tokenURL() {
			t.Errorf("aud %v, want %s", claims["aud"], st.tokenURL())
		}
		jtis[claims["jti"].(string)] = true
	}
	if len(jtis) != 2 {
		t.Errorf("jti repeated across token requests: %v", jtis)
	}

	c, err := NewWithTokenSource(Config{BaseURL: st.url}, ts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetMachine(context.Background(), mdesim.DeviceAnalyst); err != nil {
		t.Fatalf("API call with a certificate token: %v", err)
	}
	id, err := c.Identity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if id.AppID != mdesim.DemoClientID || id.IsDelegated || !holds(id.Roles, "Machine.LiveResponse") {
		t.Errorf("identity %+v", id)
	}
}

func redactForm(f map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range f {
		if k == "client_assertion" || k == "client_secret" || k == "refresh_token" {
			v = []string{"…"}
		}
		out[k] = v
	}
	return out
}

func TestCertificateSignInWrongCertificate(t *testing.T) {
	st := newSimTenant(t, mdesim.Options{})
	key, cert := newSelfSigned(t)
	certs, signer, err := LoadCertificate(writePEM(t, cert, key), "")
	if err != nil {
		t.Fatal(err)
	}
	ts, err := NewCertificateTokenSource(context.Background(), CertConfig{
		TokenURL: st.tokenURL(), ClientID: mdesim.DemoClientID, Certs: certs, Key: signer,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ts.Token()
	var ae *AuthError
	if !errors.As(err, &ae) || ae.Code != "AADSTS700027" {
		t.Fatalf("err = %v, want AuthError AADSTS700027", err)
	}
	msg := Describe(err)
	if !strings.Contains(msg, "AADSTS700027") || !strings.Contains(msg, "not registered on the app") {
		t.Errorf("Describe = %q", msg)
	}
	if strings.Count(strings.TrimSuffix(ae.Fix, "."), ". ") != 0 {
		t.Errorf("fix is not one sentence: %q", ae.Fix)
	}
	assertion := st.tokenForms()[0].Get("client_assertion")
	if strings.Contains(err.Error(), assertion) || strings.Contains(msg, assertion[:40]) {
		t.Error("error quotes the client assertion")
	}
}

func TestCertificateSignInWrongAudience(t *testing.T) {
	st := newSimTenant(t, mdesim.Options{})
	certs, key := demoCredential(t)
	// The assertion names the token URL it is sent to; a sim on another
	// path (tenant) must refuse an assertion built for this one.
	jwt, err := signAssertion(certs[0], key, mdesim.DemoClientID, "https://login.microsoftonline.com/x/oauth2/v2.0/token", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	code, body := postForm(t, st.tokenURL(), map[string]string{
		"grant_type": "client_credentials", "client_id": mdesim.DemoClientID, "scope": DefaultScope,
		"client_assertion_type": clientAssertionType, "client_assertion": jwt,
	})
	if code != 401 || !strings.Contains(body, "AADSTS700027") || !strings.Contains(body, "audience") {
		t.Errorf("HTTP %d %s", code, body)
	}
}

func TestLoadCertificateFormats(t *testing.T) {
	key, cert := newSelfSigned(t)
	pfx, err := pkcs12.Modern.Encode(key, cert, nil, "pfx-Pa55")
	if err != nil {
		t.Fatal(err)
	}
	pfxPath := writeFile(t, "cred.pfx", pfx)
	certs, signer, err := LoadCertificate(pfxPath, "pfx-Pa55")
	if err != nil {
		t.Fatalf("PFX: %v", err)
	}
	if !certs[0].Equal(cert) || !signer.Public().(*rsa.PublicKey).Equal(&key.PublicKey) {
		t.Error("PFX: wrong certificate or key")
	}
	if _, _, err := LoadCertificate(pfxPath, "wrong-Pa55"); err == nil || !strings.Contains(err.Error(), "password is wrong") ||
		strings.Contains(err.Error(), "Pa55") {
		t.Errorf("wrong PFX password: %v", err)
	}

	// PKCS#1 key, chain given before the leaf: the leaf comes first.
	_, otherCert := newSelfSigned(t)
	pemData := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: otherCert.Raw}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})...)
	pemData = append(pemData, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})...)
	certs, _, err = LoadCertificate(writeFile(t, "chain.pem", pemData), "")
	if err != nil || len(certs) != 2 || !certs[0].Equal(cert) {
		t.Errorf("PEM chain: %d certs, err %v", len(certs), err)
	}

	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ecKey)
	certOnly := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	otherKey, _ := newSelfSigned(t)
	otherDER, _ := x509.MarshalPKCS8PrivateKey(otherKey)
	bad := []struct {
		name, want string
		data       []byte
	}{
		{"no key", "no private key", certOnly},
		{"no certificate", "no CERTIFICATE", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: otherDER})},
		{"key of another certificate", "matches the private key", append(certOnly, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: otherDER})...)},
		{"EC key", "RSA", append(certOnly, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER})...)},
		{"encrypted PEM", "encrypted", append(certOnly, pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}})...)},
		{"garbage", "neither PEM nor", []byte("not a certificate")},
	}
	for _, b := range bad {
		if _, _, err := LoadCertificate(writeFile(t, "bad", b.data), ""); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: err = %v, want it to mention %q", b.name, err, b.want)
		}
	}
	if _, _, err := LoadCertificate("/nonexistent/cred.pem", ""); err == nil {
		t.Error("missing file: no error")
	}
}
