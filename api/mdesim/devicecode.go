package mdesim

import (
	"crypto/rand"
	"html"
	"net/http"
	"net/url"

	"strings"
	"time"
)

// devicePagePath is where the simulated tenant serves its own sign-in page
// (the verification_uri of its device codes).
const devicePagePath = "/devicelogin"

// Device code states.
const (
	devicePending = iota
	deviceApproved
	deviceDeclined
	deviceExpired
	deviceRedeemed
)

// deviceCode is one device sign-in started at the devicecode endpoint.
type deviceCode struct {
	code, userCode, clientID string
	offline                  bool      // offline_access requested: issue a refresh token
	scopes                   string    // requested scopes, normalised
	issued, expires          time.Time // real time
	state                    int
	polls                    int
}

// refreshInfo is what a refresh token grants. Refresh tokens are looked up
// by refreshTokenKey and persisted in the state file.
type refreshInfo struct {
	clientID, upn string
	scopes        string    // normalised, as granted at sign-in
	expires       time.Time // on the clock (Options.Now)
}

// handleDeviceCode starts a device sign-in (POST /{tenant}/oauth2/v2.0/devicecode).
func (s *Sim) handleDeviceCode(w http.ResponseWriter, r *http.Request, tenant string) {
	form, ok := s.readTokenForm(w, r, tenant)
	if !ok {
		return
	}
	clientID := form.Get("client_id")
	if s.clientOrError(w, clientID, tenant) == nil {
		return
	}
	scopes := strings.Fields(form.Get("scope"))
	resource, offline := false, false
	for _, sc := range scopes {
		switch {
		case sc == "offline_access":
			offline = true
		case strings.Contains(sc, "/"):
			resource = true
		}
	}
	if !resource {
		s.writeOAuthError(w, http.StatusBadRequest, "invalid_scope", 70011,
			"AADSTS70011: The provided value for the input parameter 'scope' is not valid. Request a resource scope such as "+tokenAudience+"/.default.")
		return
	}
	now := time.Now()
	dc := &deviceCode{
		code: randomToken(32), userCode: randomUserCode(), clientID: clientID, offline: offline,
		scopes: normalizeScopes(form.Get("scope")), issued: now, expires: now.Add(s.opts.DeviceCodeLifetime),
	}
	s.mu.Lock()
	for k, old := range s.devices {
		if now.After(old.expires.Add(time.Minute)) {
			delete(s.devices, k)
		}
	}
	s.devices[dc.code] = dc
	s.mu.Unlock()
	verify := serverURL(r) + devicePagePath
	lifetime := int((s.opts.DeviceCodeLifetime + time.Second - 1) / time.Second)
	writeJSON(w, http.StatusOK, map[string]any{
		"device_code": dc.code, "user_code": dc.userCode, "verification_uri": verify,
		"expires_in": lifetime, "interval": int(s.opts.DeviceCodeInterval / time.Second),
		"message": "To sign in, use a web browser to open the page " + verify + " and enter the code " + dc.userCode + " to authenticate.",
	})
}

// redeemDeviceCode answers one poll of the device code grant.
func (s *Sim) redeemDeviceCode(w http.ResponseWriter, form url.Values, tenant string) {
	reg := s.publicClientOrError(w, form.Get("client_id"), tenant)
	if reg == nil {
		return
	}
	now := time.Now()
	s.mu.Lock()
	dc := s.devices[form.Get("device_code")]
	state := deviceExpired
	if dc != nil && strings.EqualFold(dc.clientID, form.Get("client_id")) {
		dc.polls++
		if dc.state == devicePending && s.opts.DeviceCodeApproveAfter > 0 && now.Sub(dc.issued) >= s.opts.DeviceCodeApproveAfter {
			dc.state = deviceApproved
		}
		if (dc.state == devicePending || dc.state == deviceApproved) && !now.Before(dc.expires) {
			dc.state = deviceExpired
		}
		state = dc.state
		if state == deviceApproved {
			dc.state = deviceRedeemed
		}
	} else {
		dc = nil
	}
	s.mu.Unlock()
	switch {
	case dc == nil:
		s.writeOAuthError(w, http.StatusBadRequest, "bad_verification_code", 70000,
			"AADSTS70000: The provided value for the 'device_code' parameter is not valid.")
	case state == devicePending:
		s.writeOAuthError(w, http.StatusBadRequest, "authorization_pending", 70016,
			"AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.")
	case state == deviceDeclined:
		s.writeOAuthError(w, http.StatusBadRequest, "authorization_declined", 70000,
			"AADSTS70000: The user declined the sign-in request.")
	case state == deviceExpired:
		s.writeOAuthError(w, http.StatusBadRequest, "expired_token", 70019,
			"AADSTS70019: Verification code expired.")
	case state == deviceRedeemed:
		s.writeOAuthError(w, http.StatusBadRequest, "invalid_grant", 70000,
			"AADSTS70000: The provided device code has already been redeemed.")
	default:
		rt := ""
		if dc.offline {
			rt = s.newRefreshToken(reg.clientID, DemoUser, dc.scopes)
		}
		writeJSON(w, http.StatusOK, s.issueToken(s.delegatedInfo(reg.clientID), rt))
	}
}

// redeemRefreshToken answers the refresh token grant with a new access
// token and a new refresh token (the old one stays valid, as in Entra).
func (s *Sim) redeemRefreshToken(w http.ResponseWriter, form url.Values, tenant string) {
	reg := s.publicClientOrError(w, form.Get("client_id"), tenant)
	if reg == nil {
		return
	}
	now := s.opts.Now()
	s.mu.Lock()
	var ri refreshInfo
	found := false
	if stored := s.refresh[refreshTokenKey(form.Get("refresh_token"))]; stored != nil {
		ri, found = *stored, true
	}
	s.mu.Unlock()
	switch {
	case !found || !strings.EqualFold(ri.clientID, form.Get("client_id")):
		s.writeOAuthError(w, http.StatusBadRequest, "invalid_grant", 9002313,
			"AADSTS9002313: Invalid request. Request is malformed or invalid.")
	case !now.Before(ri.expires):
		s.writeOAuthError(w, http.StatusBadRequest, "invalid_grant", 700082,
			"AADSTS700082: The refresh token has expired due to inactivity.")
	default:
		rt := s.newRefreshToken(reg.clientID, ri.upn, ri.scopes)
		writeJSON(w, http.StatusOK, s.issueToken(s.delegatedInfo(reg.clientID), rt))
	}
}

// delegatedInfo describes an access token for DemoUser through clientID.
func (s *Sim) delegatedInfo(clientID string) *tokenInfo {
	return &tokenInfo{clientID: clientID, delegated: true, upn: DemoUser, perms: delegatedScopes}
}

// newRefreshToken issues and records a refresh token (by its hash, in the
// state file too, so that a restarted tenant still accepts it).
func (s *Sim) newRefreshToken(clientID, upn, scopes string) string {
	rt := "mdesim-rt." + randomToken(48)
	s.mu.Lock()
	s.rememberRefreshLocked(refreshTokenKey(rt), &refreshInfo{clientID: clientID, upn: upn, scopes: scopes,
		expires: s.opts.Now().Add(s.opts.RefreshTokenLifetime)})
	s.mu.Unlock()
	s.persist()
	return rt
}

// setDeviceState moves the pending device sign-in with userCode to state.
func (s *Sim) setDeviceState(userCode string, state int) bool {
	userCode = strings.ToUpper(strings.TrimSpace(userCode))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, dc := range s.devices {
		if dc.userCode == userCode && dc.state == devicePending {
			dc.state = state
			return true
		}
	}
	return false
}

// ApproveDeviceCode signs DemoUser in for the pending device code userCode,
// as a person entering it on the verification page would. It reports
// whether such a pending code existed.
func (s *Sim) ApproveDeviceCode(userCode string) bool {
	return s.setDeviceState(userCode, deviceApproved)
}

// DeclineDeviceCode makes the pending device code userCode fail with
// authorization_declined.
func (s *Sim) DeclineDeviceCode(userCode string) bool {
	return s.setDeviceState(userCode, deviceDeclined)
}

// ExpireDeviceCode makes the pending device code userCode fail with expired_token.
func (s *Sim) ExpireDeviceCode(userCode string) bool {
	return s.setDeviceState(userCode, deviceExpired)
}

// PendingDeviceCodes returns the user codes of device sign-ins still
// waiting for approval, with how often each has been polled.
func (s *Sim) PendingDeviceCodes() map[string]int {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, dc := range s.devices {
		if dc.state == devicePending && now.Before(dc.expires) {
			out[dc.userCode] = dc.polls
		}
	}
	return out
}

// ExpireRefreshTokens makes every refresh token issued so far expired, as
// after 90 days of inactivity.
func (s *Sim) ExpireRefreshTokens() {
	s.mu.Lock()
	for _, ri := range s.refresh {
		ri.expires = time.Time{}
	}
	s.mu.Unlock()
	s.persist()
}

// handleDevicePage is the simulated verification page: GET shows a form,
// POST with code=... approves that device code.
func (s *Sim) handleDevicePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	msg := ""
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
		code := r.PostFormValue("code")
		if s.ApproveDeviceCode(code) {
			msg = "Signed in as " + DemoUser + ". You can close this page."
		} else {
			w.WriteHeader(http.StatusBadRequest)
			msg = "No pending sign-in has the code " + code + "."
		}
	}
	_, _ = w.Write([]byte(`<!DOCTYPE html><html><head><title>mdesim sign-in</title></head><body>` +
		`<h1>Simulated tenant: device sign-in</h1><p>` + html.EscapeString(msg) + `</p>` +
		`<form method="post"><label>Code <input name="code" autofocus></label> <button>Sign in</button></form>` +
		`</body></html>`))
}

// randomToken returns n random bytes, base64url encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b64(b)
}

// randomUserCode returns a 9-character code of unambiguous letters and digits.
func randomUserCode() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
