package mdesim

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"
	"time"
)

// TokenURL returns the v2 token endpoint of tenantID on a Sim served at baseURL.
func TokenURL(baseURL, tenantID string) string {
	return strings.TrimRight(baseURL, "/") + "/" + tenantID + "/oauth2/v2.0/token"
}

type tokenResponse struct {
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	ExtExpiresIn int    `json:"ext_expires_in"`
	AccessToken  string `json:"access_token"`
}

type oauthError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
	Timestamp        string `json:"timestamp"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
}

func (s *Sim) writeOAuthError(w http.ResponseWriter, status int, errCode string, aadsts int, desc string) {
	writeJSON(w, status, oauthError{
		Error: errCode, ErrorDescription: desc, ErrorCodes: []int{aadsts},
		Timestamp: s.opts.Now().UTC().Format("2006-01-02 15:04:05Z"),
		TraceID:   randomGUID(), CorrelationID: randomGUID(),
	})
}

// handleToken implements the client credentials grant of the v2 endpoint.
func (s *Sim) handleToken(w http.ResponseWriter, r *http.Request, tenant string) {
	if r.Method != http.MethodPost {
		s.writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", 900561,
			"AADSTS900561: The endpoint only accepts POST requests.")
		return
	}
	if !strings.EqualFold(tenant, s.opts.TenantID) {
		s.writeOAuthError(w, http.StatusBadRequest, "invalid_request", 90002,
			"AADSTS90002: Tenant '"+tenant+"' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.writeOAuthError(w, http.StatusBadRequest, "invalid_request", 900144,
			"AADSTS900144: The request body must contain the following parameter: 'grant_type'.")
		return
	}
	form := r.PostForm
	switch gt := form.Get("grant_type"); {
	case gt == "":
		s.writeOAuthError(w, http.StatusBadRequest, "invalid_request", 900144,
			"AADSTS900144: The request body must contain the following parameter: 'grant_type'.")
		return
	case gt != "client_credentials":
		s.writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", 70003,
			"AADSTS70003: The app requested an unsupported grant type '"+gt+"'.")
		return
	}
	clientID := form.Get("client_id")
	if clientID == "" {
		if id, _, ok := r.BasicAuth(); ok {
			clientID = id
		}
	}
	if !strings.EqualFold(clientID, s.opts.ClientID) {
		s.writeOAuthError(w, http.StatusBadRequest, "unauthorized_client", 700016,
			"AADSTS700016: Application with identifier '"+clientID+"' was not found in the directory '"+tenant+"'.")
		return
	}
	secret := form.Get("client_secret")
	if secret == "" {
		if _, pw, ok := r.BasicAuth(); ok {
			secret = pw
		}
	}
	if secret != s.opts.ClientSecret {
		s.writeOAuthError(w, http.StatusUnauthorized, "invalid_client", 7000215,
			"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '"+clientID+"'.")
		return
	}
	scope := form.Get("scope")
	if !strings.HasSuffix(scope, "/.default") {
		s.writeOAuthError(w, http.StatusBadRequest, "invalid_scope", 1002012,
			"AADSTS1002012: The provided value for scope "+scope+" is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).")
		return
	}
	tok := newAccessToken()
	now := s.opts.Now()
	s.mu.Lock()
	for t, exp := range s.tokens {
		if !now.Before(exp) {
			delete(s.tokens, t)
			delete(s.calls, t)
		}
	}
	s.tokens[tok] = now.Add(s.opts.TokenLifetime)
	s.mu.Unlock()
	secs := int(s.opts.TokenLifetime / time.Second)
	writeJSON(w, http.StatusOK, tokenResponse{TokenType: "Bearer", ExpiresIn: secs, ExtExpiresIn: secs, AccessToken: tok})
}

func newAccessToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return "mdesim." + base64.RawURLEncoding.EncodeToString(b[:])
}

// authorize checks the bearer token and the per-token call budget. It
// writes the error response and returns false when the call may not proceed.
func (s *Sim) authorize(w http.ResponseWriter, r *http.Request) bool {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		writeError(w, http.StatusUnauthorized, codeUnauthorized, "Authorization header is missing or is not a Bearer token.")
		return false
	}
	now := s.opts.Now()
	s.mu.Lock()
	exp, known := s.tokens[tok]
	if !known || !now.Before(exp) {
		s.mu.Unlock()
		writeError(w, http.StatusUnauthorized, codeUnauthorized, "The access token is invalid or has expired.")
		return false
	}
	win := s.calls[tok]
	if win == nil {
		win = &window{}
		s.calls[tok] = win
	}
	wait := win.admit(now, s.opts.CallsPerMinute, s.opts.CallsPerHour)
	s.mu.Unlock()
	if wait > 0 {
		writeRetryAfter(w, wait, "Rate limit is exceeded. Try again later.")
		return false
	}
	return true
}
