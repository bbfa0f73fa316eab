package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Defaults for the commercial cloud (mde-api.md §1.1, §1.7).
const (
	DefaultAPIURL        = "https://api.security.microsoft.com"
	DefaultScope         = "https://api.securitycenter.microsoft.com/.default"
	DefaultAuthorityHost = "https://login.microsoftonline.com"
)

// TokenURLFor returns the Entra v2 token endpoint of a tenant.
func TokenURLFor(authorityHost, tenantID string) string {
	return strings.TrimRight(authorityHost, "/") + "/" + strings.Trim(tenantID, "/") + "/oauth2/v2.0/token"
}

// tokenEarlyExpiry refreshes a token this long before it expires.
const tokenEarlyExpiry = 2 * time.Minute

// tokenCache hands out one bearer token until it (nearly) expires or is
// invalidated after a 401. Each refresh asks fresh() for a new source so an
// invalidated token is really re-minted.
type tokenCache struct {
	fresh func() oauth2.TokenSource
	now   func() time.Time

	mu        sync.Mutex
	tok       *oauth2.Token
	expiresAt time.Time // in the injected clock's frame; zero: no expiry
}

// token returns a valid access token.
func (c *tokenCache) token() (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok != nil && (c.expiresAt.IsZero() || c.now().Add(tokenEarlyExpiry).Before(c.expiresAt)) {
		return c.tok.AccessToken, nil
	}
	tok, err := c.fresh().Token()
	if err != nil {
		return "", authError(err)
	}
	if tok == nil || tok.AccessToken == "" {
		return "", &AuthError{Fix: "the token endpoint returned no access token"}
	}
	c.tok = tok
	c.expiresAt = time.Time{}
	if !tok.Expiry.IsZero() {
		// oauth2 stamps Expiry with the wall clock; translate to ours.
		c.expiresAt = c.now().Add(time.Until(tok.Expiry))
	}
	return tok.AccessToken, nil
}

// forgetter is a token source that caches tokens itself and can be told
// that the API refused one.
type forgetter interface{ forget(accessToken string) }

// invalidate drops the cached token if it is still the one that was refused
// (and tells a caching source to drop it too).
func (c *tokenCache) invalidate(refused string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok != nil && c.tok.AccessToken == refused {
		c.tok = nil
		if f, ok := c.fresh().(forgetter); ok {
			f.forget(refused)
		}
	}
}

// clientCredentialsSource returns a factory of client-credentials token
// sources that use hc for the token endpoint.
func clientCredentialsSource(cfg Config, hc *http.Client) func() oauth2.TokenSource {
	cc := &clientcredentials.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: cfg.ClientSecret,
		TokenURL:     cfg.TokenURL,
		Scopes:       []string{cfg.Scope},
		AuthStyle:    oauth2.AuthStyleInParams,
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, hc)
	return func() oauth2.TokenSource { return cc.TokenSource(ctx) }
}

var aadstsCode = regexp.MustCompile(`AADSTS\d+`)

// aadstsFixes gives one-sentence fixes for common Entra sign-in errors.
var aadstsFixes = map[string]string{
	"AADSTS7000215": "the client secret is wrong or expired: create a new one in the app registration",
	"AADSTS7000222": "the client secret has expired: create a new one in the app registration",
	"AADSTS700016":  "the application (client) ID is not known in this tenant: check the client ID and tenant ID",
	"AADSTS90002":   "the tenant was not found: check the tenant ID or domain",
	"AADSTS900023":  "the tenant ID is malformed: use the directory (tenant) GUID or a verified domain",
	"AADSTS500011":  "the WindowsDefenderATP resource is not available in this tenant: check the scope and that Defender for Endpoint is provisioned",
	"AADSTS70011":   "the requested scope is invalid: use " + DefaultScope,
	"AADSTS7000218": "public client flows are not allowed for this app: enable Allow public client flows on the app registration's Authentication page (or sign in with a secret or certificate)",
	"AADSTS50126":   "the user name or password is wrong",
	"AADSTS65001":   "consent is missing: an admin must grant consent for the app's WindowsDefenderATP permissions",
	"AADSTS53003":   "a Conditional Access policy blocked the sign-in (device code sign-in is often blocked by policy): use certificate or az sign-in instead, or ask an administrator",
	"AADSTS50105":   "the signed-in user is not assigned to the app (device code sign-in may be blocked by policy): ask an administrator, or use certificate or az sign-in instead",
	"AADSTS50034":   "the user account does not exist in this tenant",
	"AADSTS700024":  "the client assertion is outside its validity window: check the system clock",
	"AADSTS700027":  "the certificate is not registered on the app or the assertion is malformed: upload this certificate under Certificates & secrets of the app registration",
	"AADSTS50027":   "the client assertion is malformed: check the certificate file",
	"AADSTS70043":   "the saved sign-in has expired: sign in again (mdlr logout, then mdlr)",
	"AADSTS700082":  "the saved sign-in has expired: sign in again (mdlr logout, then mdlr)",
	"AADSTS1002012": "the scope must end in /.default for app sign-in: use " + DefaultScope,
}

// authError turns a token-endpoint failure into an *AuthError without
// quoting the request (which holds the secret).
func authError(err error) error {
	var ae *AuthError
	if errors.As(err, &ae) {
		return ae
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return &NetworkError{Method: http.MethodPost, Path: "token endpoint", Err: stripURL(err)}
	}
	out := &AuthError{OAuthError: sanitize(re.ErrorCode, 60)}
	desc := re.ErrorDescription
	if desc == "" {
		var body struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(re.Body, &body) == nil {
			desc = body.Description
			if out.OAuthError == "" {
				out.OAuthError = sanitize(body.Error, 60)
			}
		}
	}
	out.Code = aadstsCode.FindString(desc)
	out.Description = sanitize(firstLine(desc), 200)
	out.Fix = aadstsFixes[out.Code]
	if out.Fix == "" {
		switch {
		case out.OAuthError == "invalid_client":
			out.Fix = "the client ID or secret was rejected: check both in the app registration"
		case out.OAuthError == "unauthorized_client":
			out.Fix = "the app is not allowed to use this sign-in flow: check the app registration"
		case re.Response != nil && re.Response.StatusCode == http.StatusNotFound:
			out.Fix = "the token endpoint was not found: check the authority host and tenant ID"
		}
	}
	return out
}

func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}
