package mdesim

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const defaultScope = "https://api.securitycenter.microsoft.com/.default"

// jwtClaims decodes the payload of a JWT-shaped token.
func jwtClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token is not JWT-shaped: %d parts", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	return obj(t, b)
}

func (h *harness) startDeviceCode(clientID string) map[string]any {
	h.t.Helper()
	status, body := h.postForm(DeviceCodeURL(h.url, DemoTenantID), url.Values{
		"client_id": {clientID}, "scope": {defaultScope + " offline_access"},
	})
	if status != 200 {
		h.t.Fatalf("devicecode: %d %s", status, body)
	}
	return obj(h.t, body)
}

func (h *harness) pollDevice(clientID, deviceCode string) (int, map[string]any) {
	h.t.Helper()
	status, body := h.postForm(TokenURL(h.url, DemoTenantID), url.Values{
		"grant_type": {grantDeviceCode}, "client_id": {clientID}, "device_code": {deviceCode},
	})
	return status, obj(h.t, body)
}

func TestDeviceCodeFlow(t *testing.T) {
	h := newHarness(t, Options{DeviceCodeApproveAfter: -1, DeviceCodeInterval: 2 * time.Second})
	dc := h.startDeviceCode(DemoClientID)
	if dc["verification_uri"] != h.url+"/devicelogin" || dc["interval"] != float64(2) || dc["expires_in"] != float64(900) {
		t.Errorf("device code response %v", dc)
	}
	user, _ := dc["user_code"].(string)
	code, _ := dc["device_code"].(string)
	if msg, _ := dc["message"].(string); !strings.Contains(msg, user) || len(user) != 9 || len(code) < 32 {
		t.Errorf("codes %q %q message %q", user, code, msg)
	}

	status, m := h.pollDevice(DemoClientID, code)
	if status != 400 || m["error"] != "authorization_pending" {
		t.Fatalf("first poll: %d %v", status, m)
	}
	if polls := h.sim.PendingDeviceCodes()[user]; polls != 1 {
		t.Errorf("pending polls = %d", polls)
	}
	if !h.sim.ApproveDeviceCode(strings.ToLower(user)) {
		t.Fatal("approve failed")
	}
	status, m = h.pollDevice(DemoClientID, code)
	if status != 200 || m["refresh_token"] == nil {
		t.Fatalf("approved poll: %d %v", status, m)
	}
	claims := jwtClaims(t, m["access_token"].(string))
	if claims["upn"] != DemoUser || claims["scp"] != "Machine.Read Machine.LiveResponse Library.Manage" ||
		claims["tid"] != DemoTenantID || claims["appid"] != DemoClientID || claims["aud"] != tokenAudience || claims["roles"] != nil {
		t.Errorf("delegated claims %v", claims)
	}
	if exp, _ := claims["exp"].(float64); int64(exp) != h.clock.Now().Add(3599*time.Second).Unix() {
		t.Errorf("exp %v", claims["exp"])
	}
	if status, m = h.pollDevice(DemoClientID, code); status != 400 || m["error"] != "invalid_grant" {
		t.Errorf("redeemed twice: %d %v", status, m)
	}

	// The delegated token works on the API and its actions name the user.
	h.token = h.pollToken(t, DemoClientID)["access_token"].(string)
	id := h.submit(DeviceAnalyst, []string{"RunScript", "ScriptName", ScriptTriage})
	if a := h.getAction(id); a["requestor"] != DemoUser {
		t.Errorf("requestor %v, want %s", a["requestor"], DemoUser)
	}
}

// pollToken starts and approves a fresh device sign-in and returns the token response.
func (h *harness) pollToken(t *testing.T, clientID string) map[string]any {
	t.Helper()
	dc := h.startDeviceCode(clientID)
	h.sim.ApproveDeviceCode(dc["user_code"].(string))
	status, m := h.pollDevice(clientID, dc["device_code"].(string))
	if status != 200 {
		t.Fatalf("poll: %d %v", status, m)
	}
	return m
}

func TestDeviceCodeOutcomes(t *testing.T) {
	h := newHarness(t, Options{DeviceCodeApproveAfter: -1})
	cases := []struct {
		name   string
		act    func(string) bool
		status int
		err    string
	}{
		{"declined", h.sim.DeclineDeviceCode, 400, "authorization_declined"},
		{"expired", h.sim.ExpireDeviceCode, 400, "expired_token"},
	}
	for _, c := range cases {
		dc := h.startDeviceCode(DemoClientID)
		if !c.act(dc["user_code"].(string)) {
			t.Fatalf("%s: code not pending", c.name)
		}
		if c.act(dc["user_code"].(string)) {
			t.Errorf("%s: a settled code changed state again", c.name)
		}
		if status, m := h.pollDevice(DemoClientID, dc["device_code"].(string)); status != c.status || m["error"] != c.err {
			t.Errorf("%s: %d %v", c.name, status, m)
		}
	}
	if status, m := h.pollDevice(DemoClientID, "no-such-code"); status != 400 || m["error"] != "bad_verification_code" {
		t.Errorf("unknown code: %d %v", status, m)
	}
	dc := h.startDeviceCode(DemoReadOnlyClientID)
	h.sim.ApproveDeviceCode(dc["user_code"].(string))
	status, m := h.pollDevice(DemoReadOnlyClientID, dc["device_code"].(string))
	if d, _ := m["error_description"].(string); status != 401 || !strings.HasPrefix(d, "AADSTS7000218") {
		t.Errorf("public client flows not allowed: %d %v", status, m)
	}
	status, body := h.postForm(DeviceCodeURL(h.url, DemoTenantID), url.Values{"client_id": {"nobody"}, "scope": {defaultScope}})
	if status != 400 || !strings.Contains(string(body), "AADSTS700016") {
		t.Errorf("unknown client: %d %s", status, body)
	}
	status, body = h.postForm(DeviceCodeURL(h.url, DemoTenantID), url.Values{"client_id": {DemoClientID}, "scope": {"offline_access"}})
	if status != 400 || !strings.Contains(string(body), "invalid_scope") {
		t.Errorf("no resource scope: %d %s", status, body)
	}
}

func TestDeviceCodeAutoApprovalAndPage(t *testing.T) {
	h := newHarness(t, Options{DeviceCodeApproveAfter: time.Nanosecond})
	dc := h.startDeviceCode(DemoClientID)
	if status, m := h.pollDevice(DemoClientID, dc["device_code"].(string)); status != 200 {
		t.Errorf("auto approval: %d %v", status, m)
	}

	h2 := newHarness(t, Options{DeviceCodeApproveAfter: -1})
	dc = h2.startDeviceCode(DemoClientID)
	resp, err := http.PostForm(h2.url+"/devicelogin", url.Values{"code": {dc["user_code"].(string)}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("device page approve: %d", resp.StatusCode)
	}
	if status, _ := h2.pollDevice(DemoClientID, dc["device_code"].(string)); status != 200 {
		t.Errorf("after page approval: %d", status)
	}
	resp, err = http.PostForm(h2.url+"/devicelogin", url.Values{"code": {"<script>"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := make([]byte, 4096)
	n, _ := resp.Body.Read(b)
	if resp.StatusCode != 400 || strings.Contains(string(b[:n]), "<script>") {
		t.Errorf("unknown code on the page: %d, body escapes: %v", resp.StatusCode, !strings.Contains(string(b[:n]), "<script>"))
	}
}

func TestRefreshTokenGrant(t *testing.T) {
	h := newHarness(t, Options{DeviceCodeApproveAfter: -1, RefreshTokenLifetime: time.Hour})
	first := h.pollToken(t, DemoClientID)
	rt := first["refresh_token"].(string)
	refresh := func(clientID, token string) (int, map[string]any) {
		status, body := h.postForm(TokenURL(h.url, DemoTenantID), url.Values{
			"grant_type": {"refresh_token"}, "client_id": {clientID}, "refresh_token": {token}, "scope": {defaultScope + " offline_access"},
		})
		return status, obj(t, body)
	}
	status, m := refresh(DemoClientID, rt)
	if status != 200 || m["refresh_token"] == rt || m["refresh_token"] == nil || jwtClaims(t, m["access_token"].(string))["upn"] != DemoUser {
		t.Fatalf("refresh: %d %v", status, m)
	}
	if status, m = refresh(DemoReadOnlyClientID, rt); status != 401 {
		t.Errorf("refresh by a confidential-only app: %d %v", status, m)
	}
	if status, m = refresh(DemoClientID, "mdesim-rt.forged"); status != 400 || m["error"] != "invalid_grant" {
		t.Errorf("unknown refresh token: %d %v", status, m)
	}
	h.advance(2 * time.Hour)
	status, m = refresh(DemoClientID, rt)
	if d, _ := m["error_description"].(string); status != 400 || m["error"] != "invalid_grant" || !strings.HasPrefix(d, "AADSTS700082") {
		t.Errorf("expired refresh token: %d %v", status, m)
	}
	fresh := h.pollToken(t, DemoClientID)["refresh_token"].(string)
	h.sim.ExpireRefreshTokens()
	if status, _ = refresh(DemoClientID, fresh); status != 400 {
		t.Errorf("ExpireRefreshTokens: %d", status)
	}
}

func TestAppTokensAreJWTsWithRoles(t *testing.T) {
	h := newHarness(t, Options{})
	c := jwtClaims(t, h.token)
	roles, _ := c["roles"].([]any)
	if c["appid"] != DemoClientID || c["tid"] != DemoTenantID || c["idtyp"] != "app" || len(roles) != len(appRolesFull) || c["scp"] != nil {
		t.Errorf("app claims %v", c)
	}
	if c["oid"] != servicePrincipalID(DemoClientID) || c["oid"] == servicePrincipalID(DemoReadOnlyClientID) {
		t.Errorf("oid %v", c["oid"])
	}
}

func TestReadOnlyAppIsForbiddenToChange(t *testing.T) {
	h := newHarness(t, Options{})
	status, body := h.postForm(TokenURL(h.url, DemoTenantID), url.Values{
		"grant_type": {"client_credentials"}, "client_id": {DemoReadOnlyClientID},
		"client_secret": {DemoReadOnlyClientSecret}, "scope": {defaultScope},
	})
	if status != 200 {
		t.Fatalf("read-only token: %d %s", status, body)
	}
	ro := "Bearer " + obj(t, body)["access_token"].(string)
	if roles := jwtClaims(t, strings.TrimPrefix(ro, "Bearer "))["roles"]; len(roles.([]any)) != 1 {
		t.Errorf("read-only roles %v", roles)
	}
	cases := []struct {
		method, path string
		body         any
		status       int
		perm         string
	}{
		{"GET", "/api/machines", nil, 200, ""},
		{"GET", "/api/machineactions", nil, 200, ""},
		{"POST", "/api/machines/" + DeviceAnalystID + "/runliveresponse", lrBody("x", []string{"RunScript", "ScriptName", ScriptTriage}), 403, "Machine.LiveResponse"},
		{"GET", "/api/libraryfiles", nil, 403, "Library.Manage"},
		{"DELETE", "/api/libraryfiles/" + ScriptTriage, nil, 403, "Library.Manage"},
	}
	for _, c := range cases {
		status, _, b := h.doWith(c.method, h.url+c.path, c.body, ro)
		if status != c.status {
			t.Errorf("%s %s: %d, want %d: %s", c.method, c.path, status, c.status, b)
			continue
		}
		if c.perm != "" && (errCode(t, b) != "Forbidden" || !strings.Contains(errMessage(t, b), c.perm)) {
			t.Errorf("%s %s: body %s", c.method, c.path, b)
		}
	}
	if h.sim.LiveResponseActionCount() != 0 {
		t.Error("a forbidden submission created an action")
	}
}

// testCert is an RSA key and a self-signed certificate for it.
func testCert(t *testing.T) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "t"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return key, cert
}

// demoKey parses the published demo key.
func demoKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	pemData := DemoCertificatePEM()
	for {
		var b *pem.Block
		b, pemData = pem.Decode(pemData)
		if b == nil {
			t.Fatal("no key in DemoCertificatePEM")
		}
		if b.Type == "PRIVATE KEY" {
			k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			return k.(*rsa.PrivateKey)
		}
	}
}

// assertion builds a client assertion signed with alg (PS256, RS256; any
// other name is signed like PS256 but labelled alg).
func assertion(t *testing.T, key *rsa.PrivateKey, cert *x509.Certificate, alg string, claims map[string]any) string {
	t.Helper()
	thumb := sha256.Sum256(cert.Raw)
	hdr, _ := json.Marshal(map[string]string{"alg": alg, "typ": "JWT", "x5t#S256": b64(thumb[:])})
	cl, _ := json.Marshal(claims)
	signing := b64(hdr) + "." + b64(cl)
	digest := sha256.Sum256([]byte(signing))
	var sig []byte
	var err error
	if alg == "RS256" {
		sig, err = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	} else {
		sig, err = rsa.SignPSS(rand.Reader, key, crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	}
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + b64(sig)
}

func TestClientAssertions(t *testing.T) {
	h := newHarness(t, Options{})
	tokenURL := TokenURL(h.url, DemoTenantID)
	key, cert := demoKey(t), DemoCertificate()
	otherKey, otherCert := testCert(t)
	now := h.clock.Now().Unix()
	n := 0
	claims := func(edit func(map[string]any)) map[string]any {
		n++
		c := map[string]any{"aud": tokenURL, "iss": DemoClientID, "sub": DemoClientID,
			"jti": "jti-" + string(rune('a'+n)), "nbf": now, "iat": now, "exp": now + 300}
		if edit != nil {
			edit(c)
		}
		return c
	}
	post := func(a string) (int, string) {
		status, body := h.postForm(tokenURL, url.Values{
			"grant_type": {"client_credentials"}, "client_id": {DemoClientID}, "scope": {defaultScope},
			"client_assertion_type": {assertionTypeJWTBearer}, "client_assertion": {a},
		})
		return status, string(body)
	}
	replayed := assertion(t, key, cert, "PS256", claims(nil))
	cases := []struct {
		name      string
		assertion string
		status    int
		aadsts    string
	}{
		{"PS256", replayed, 200, ""},
		{"RS256 (legacy)", assertion(t, key, cert, "RS256", claims(nil)), 200, ""},
		{"replayed jti", replayed, 401, "AADSTS700027"},
		{"unregistered certificate", assertion(t, otherKey, otherCert, "PS256", claims(nil)), 401, "AADSTS700027"},
		{"signed by another key", assertion(t, otherKey, cert, "PS256", claims(nil)), 401, "AADSTS700027"},
		{"wrong audience", assertion(t, key, cert, "PS256", claims(func(c map[string]any) { c["aud"] = "https://login.microsoftonline.com/x/oauth2/v2.0/token" })), 401, "AADSTS700027"},
		{"wrong issuer", assertion(t, key, cert, "PS256", claims(func(c map[string]any) { c["iss"] = "someone" })), 401, "AADSTS700027"},
		{"no jti", assertion(t, key, cert, "PS256", claims(func(c map[string]any) { delete(c, "jti") })), 401, "AADSTS700027"},
		{"expired", assertion(t, key, cert, "PS256", claims(func(c map[string]any) { c["nbf"], c["exp"] = now-1200, now-900 })), 401, "AADSTS700024"},
		{"lifetime over 10 min", assertion(t, key, cert, "PS256", claims(func(c map[string]any) { c["exp"] = now + 3600 })), 401, "AADSTS700024"},
		{"HS256", assertion(t, key, cert, "HS256", claims(nil)), 401, "AADSTS700027"},
		{"malformed", "not.a-jwt", 401, "AADSTS50027"},
	}
	for _, c := range cases {
		status, body := post(c.assertion)
		if status != c.status || !strings.Contains(body, c.aadsts) {
			t.Errorf("%s: %d %s, want %d %s", c.name, status, body, c.status, c.aadsts)
		}
	}
	status, body := h.postForm(tokenURL, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {DemoClientID}, "scope": {defaultScope},
		"client_assertion_type": {"wrong"}, "client_assertion": {replayed},
	})
	if status != 400 || !strings.Contains(string(body), "client_assertion_type") {
		t.Errorf("wrong assertion type: %d %s", status, body)
	}
	status, body = h.postForm(tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {DemoClientID}, "scope": {defaultScope}})
	if status != 401 || !strings.Contains(string(body), "AADSTS7000218") {
		t.Errorf("no credential: %d %s", status, body)
	}
}
