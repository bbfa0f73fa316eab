package mdesim

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// TokenURL returns the v2 token endpoint of tenantID on a Sim served at baseURL.
func TokenURL(baseURL, tenantID string) string {
	return strings.TrimRight(baseURL, "/") + "/" + tenantID + "/oauth2/v2.0/token"
}

// DeviceCodeURL returns the v2 device authorization endpoint of tenantID on a
// Sim served at baseURL.
func DeviceCodeURL(baseURL, tenantID string) string {
	return strings.TrimRight(baseURL, "/") + "/" + tenantID + "/oauth2/v2.0/devicecode"
}

type tokenResponse struct {
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope,omitempty"`
	ExpiresIn    int    `json:"expires_in"`
	ExtExpiresIn int    `json:"ext_expires_in"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
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

// Grant types of the token endpoint.
const (
	grantClientCredentials = "client_credentials"
	grantDeviceCode        = "urn:ietf:params:oauth:grant-type:device_code"
	grantRefreshToken      = "refresh_token"
	assertionTypeJWTBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
)

// readTokenForm checks the method and tenant and parses the form body. It
// writes the error response and returns false when the request is unusable.
func (s *Sim) readTokenForm(w http.ResponseWriter, r *http.Request, tenant string) (url.Values, bool) {
	if r.Method != http.MethodPost {
		s.writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", 900561,
			"AADSTS900561: The endpoint only accepts POST requests.")
		return nil, false
	}
	if !strings.EqualFold(tenant, s.opts.TenantID) {
		s.writeOAuthError(w, http.StatusBadRequest, "invalid_request", 90002,
			"AADSTS90002: Tenant '"+tenant+"' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.")
		return nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.writeOAuthError(w, http.StatusBadRequest, "invalid_request", 900144,
			"AADSTS900144: The request body must contain the following parameter: 'grant_type'.")
		return nil, false
	}
	return r.PostForm, true
}

// handleToken implements the client credentials (secret or certificate),
// device code and refresh token grants of the v2 endpoint.
func (s *Sim) handleToken(w http.ResponseWriter, r *http.Request, tenant string) {
	form, ok := s.readTokenForm(w, r, tenant)
	if !ok {
		return
	}
	switch gt := form.Get("grant_type"); gt {
	case "":
		s.writeOAuthError(w, http.StatusBadRequest, "invalid_request", 900144,
			"AADSTS900144: The request body must contain the following parameter: 'grant_type'.")
	case grantClientCredentials:
		s.clientCredentials(w, r, form, tenant)
	case grantDeviceCode:
		s.redeemDeviceCode(w, form, tenant)
	case grantRefreshToken:
		s.redeemRefreshToken(w, form, tenant)
	default:
		s.writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", 70003,
			"AADSTS70003: The app requested an unsupported grant type '"+gt+"'.")
	}
}

// clientCredentials authenticates an app with its secret or a client
// assertion signed by a registered certificate.
func (s *Sim) clientCredentials(w http.ResponseWriter, r *http.Request, form url.Values, tenant string) {
	clientID := form.Get("client_id")
	basicID, basicSecret, hasBasic := r.BasicAuth()
	if clientID == "" && hasBasic {
		clientID = basicID
	}
	reg := s.clientOrError(w, clientID, tenant)
	if reg == nil {
		return
	}
	if assertion := form.Get("client_assertion"); assertion != "" || form.Has("client_assertion_type") {
		if form.Get("client_assertion_type") != assertionTypeJWTBearer {
			s.writeOAuthError(w, http.StatusBadRequest, "invalid_request", 50027,
				"AADSTS50027: client_assertion_type must be "+assertionTypeJWTBearer+".")
			return
		}
		if code, desc := s.verifyAssertion(reg, assertion, requestURL(r)); code != 0 {
			s.writeOAuthError(w, http.StatusUnauthorized, "invalid_client", code, desc)
			return
		}
	} else {
		secret := form.Get("client_secret")
		if secret == "" && hasBasic {
			secret = basicSecret
		}
		if secret == "" {
			s.writeNoClientCredential(w)
			return
		}
		if secret != reg.secret {
			s.writeOAuthError(w, http.StatusUnauthorized, "invalid_client", 7000215,
				"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '"+reg.clientID+"'.")
			return
		}
	}
	scope := form.Get("scope")
	if !strings.HasSuffix(scope, "/.default") {
		s.writeOAuthError(w, http.StatusBadRequest, "invalid_scope", 1002012,
			"AADSTS1002012: The provided value for scope "+scope+" is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).")
		return
	}
	writeJSON(w, http.StatusOK, s.issueToken(&tokenInfo{clientID: reg.clientID, perms: reg.roles}, ""))
}

// requestURL is the URL the client addressed, as a client assertion's aud names it.
func requestURL(r *http.Request) string { return serverURL(r) + r.URL.Path }

// serverURL is the scheme and host the client addressed.
func serverURL(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

type tokenInfoKey struct{}

// tokenFrom returns the access token info authorize attached to r's context.
func tokenFrom(r *http.Request) *tokenInfo {
	ti, _ := r.Context().Value(tokenInfoKey{}).(*tokenInfo)
	return ti
}

// authorize checks the bearer token and the per-token call budget. It
// writes the error response and returns nil when the call may not proceed;
// otherwise r carrying the token's info in its context.
func (s *Sim) authorize(w http.ResponseWriter, r *http.Request) *http.Request {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		writeError(w, http.StatusUnauthorized, codeUnauthorized, "Authorization header is missing or is not a Bearer token.")
		return nil
	}
	now := s.opts.Now()
	s.mu.Lock()
	info, known := s.tokens[tok]
	if !known || !now.Before(info.expires) {
		s.mu.Unlock()
		writeError(w, http.StatusUnauthorized, codeUnauthorized, "The access token is invalid or has expired.")
		return nil
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
		return nil
	}
	return r.WithContext(context.WithValue(r.Context(), tokenInfoKey{}, info))
}
