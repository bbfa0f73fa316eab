package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// DeviceCodeConfig configures a delegated (user) sign-in with the device
// code flow of a public client.
type DeviceCodeConfig struct {
	AuthorityHost string // default DefaultAuthorityHost
	TenantID      string
	ClientID      string
	Scope         string // default DefaultScope; offline_access is added
	// HTTPClient calls the sign-in endpoints (nil: a default client with TLS verification).
	HTTPClient *http.Client
	// Cache keeps the refresh token between runs (nil: nothing is kept).
	Cache TokenCache
}

// DevicePrompt is what to show the user: open VerificationURI and enter UserCode.
type DevicePrompt struct {
	UserCode        string
	VerificationURI string
	Message         string // one line built from the two values above
	ExpiresAt       time.Time
}

// DeviceCodeFlow is a started device sign-in.
type DeviceCodeFlow struct {
	cfg      DeviceCodeConfig
	conf     *oauth2.Config
	da       *oauth2.DeviceAuthResponse
	prompt   DevicePrompt
	cacheErr error
}

// normalize fills defaults and checks the values.
func (cfg *DeviceCodeConfig) normalize() error {
	if cfg.AuthorityHost == "" {
		cfg.AuthorityHost = DefaultAuthorityHost
	}
	if cfg.Scope == "" {
		cfg.Scope = DefaultScope
	}
	if strings.TrimSpace(cfg.ClientID) == "" {
		return errors.New("api: client ID is required for device sign-in")
	}
	if strings.TrimSpace(cfg.TenantID) == "" || strings.ContainsAny(cfg.TenantID, "/?#") {
		return errors.New("api: a tenant ID (GUID or domain) is required for device sign-in")
	}
	_, err := checkEndpoint("authority host", cfg.AuthorityHost)
	return err
}

// oauthConfig is the public-client configuration of cfg.
func (cfg *DeviceCodeConfig) oauthConfig() *oauth2.Config {
	host := strings.TrimRight(cfg.AuthorityHost, "/") + "/" + strings.Trim(cfg.TenantID, "/")
	return &oauth2.Config{
		ClientID: cfg.ClientID,
		Endpoint: oauth2.Endpoint{
			DeviceAuthURL: host + "/oauth2/v2.0/devicecode",
			TokenURL:      host + "/oauth2/v2.0/token",
			AuthStyle:     oauth2.AuthStyleInParams,
		},
		Scopes: []string{cfg.Scope, "offline_access"},
	}
}

func (cfg *DeviceCodeConfig) withClient(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, tokenHTTPClient(cfg.HTTPClient))
}

// StartDeviceCode asks Entra for a device code (POST
// {host}/{tenant}/oauth2/v2.0/devicecode with scope + " offline_access").
// Show Prompt to the user, then call Wait.
func StartDeviceCode(ctx context.Context, cfg DeviceCodeConfig) (*DeviceCodeFlow, error) {
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	conf := cfg.oauthConfig()
	da, err := conf.DeviceAuth(cfg.withClient(ctx))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, authError(err)
	}
	if da.DeviceCode == "" || da.UserCode == "" || da.VerificationURI == "" {
		return nil, &AuthError{Fix: "the sign-in service sent an incomplete device code: try again"}
	}
	p := DevicePrompt{
		UserCode:        sanitize(da.UserCode, 40),
		VerificationURI: sanitize(da.VerificationURI, 200),
		ExpiresAt:       da.Expiry,
	}
	p.Message = "To sign in, open " + p.VerificationURI + " and enter the code " + p.UserCode
	if !p.ExpiresAt.IsZero() {
		p.Message += fmt.Sprintf(" (expires in %s)", time.Until(p.ExpiresAt).Round(time.Minute))
	}
	return &DeviceCodeFlow{cfg: cfg, conf: conf, da: da, prompt: p}, nil
}

// Prompt returns what to show the user.
func (f *DeviceCodeFlow) Prompt() DevicePrompt { return f.prompt }

// CacheError reports why the refresh token could not be saved after a
// successful Wait (nil when saved or when there is no cache): the sign-in
// works, but the next start will ask again.
func (f *DeviceCodeFlow) CacheError() error { return f.cacheErr }

// Wait polls the token endpoint at the interval Entra asked for until the
// user approves, declines, the code expires or ctx is cancelled (which
// returns ctx.Err() promptly). The refresh token is saved in the cache.
// The returned source renews the token without ctx's cancellation, so ctx
// may belong to a sign-in screen that closes.
func (f *DeviceCodeFlow) Wait(ctx context.Context) (oauth2.TokenSource, error) {
	tok, err := f.conf.DeviceAccessToken(f.cfg.withClient(ctx), f.da)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, deviceError(err)
	}
	if f.cfg.Cache != nil && tok.RefreshToken != "" {
		f.cacheErr = f.cfg.Cache.Save(tok)
	}
	return &delegatedSource{ctx: f.cfg.withClient(context.WithoutCancel(ctx)), cfg: f.cfg, tok: tok}, nil
}

// deviceError explains why polling stopped.
func deviceError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &AuthError{OAuthError: "expired_token", Fix: "the sign-in code expired before it was used: start the sign-in again"}
	}
	ae, ok := authError(err).(*AuthError)
	if !ok {
		return authError(err)
	}
	if ae.Fix == "" {
		switch ae.OAuthError {
		case "authorization_declined", "access_denied":
			ae.Fix = "the sign-in was declined: start it again and approve it"
		case "expired_token":
			ae.Fix = "the sign-in code expired before it was used: start the sign-in again"
		case "bad_verification_code":
			ae.Fix = "the sign-in service did not recognise the device code: start the sign-in again"
		}
	}
	return ae
}

// CachedDelegatedTokenSource resumes a delegated sign-in from the refresh
// token in cfg.Cache, without a prompt. It reports false (and no error)
// when nothing is cached. It redeems the refresh token at once, so an
// expired or revoked one fails here (true and an *AuthError naming the fix);
// a network failure also returns true and the error, and keeps the cache.
func CachedDelegatedTokenSource(ctx context.Context, cfg DeviceCodeConfig) (oauth2.TokenSource, bool, error) {
	if cfg.Cache == nil {
		return nil, false, nil
	}
	if err := cfg.normalize(); err != nil {
		return nil, false, err
	}
	saved, err := cfg.Cache.Load()
	if err != nil || saved == nil || saved.RefreshToken == "" {
		return nil, false, err
	}
	s := &delegatedSource{ctx: cfg.withClient(ctx), cfg: cfg, tok: &oauth2.Token{RefreshToken: saved.RefreshToken}}
	if _, err := s.Token(); err != nil {
		return nil, true, err
	}
	return s, true, nil
}

// delegatedSource hands out the current access token while it is valid
// and redeems the refresh token for a new one (saving the rotated refresh
// token) when it is not.
type delegatedSource struct {
	ctx context.Context
	cfg DeviceCodeConfig

	mu  sync.Mutex
	tok *oauth2.Token
}

// Token implements oauth2.TokenSource. The returned token never carries
// the refresh token.
func (s *delegatedSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok.AccessToken != "" && time.Until(s.tok.Expiry) > tokenEarlyExpiry {
		return publicToken(s.tok), nil
	}
	if s.tok.RefreshToken == "" {
		return nil, &AuthError{Fix: "the sign-in has expired and cannot be renewed: sign in again"}
	}
	conf := s.cfg.oauthConfig()
	cc := &clientcredentials.Config{
		ClientID:  s.cfg.ClientID,
		TokenURL:  conf.Endpoint.TokenURL,
		Scopes:    conf.Scopes,
		AuthStyle: oauth2.AuthStyleInParams,
		EndpointParams: map[string][]string{
			"grant_type":    {"refresh_token"},
			"refresh_token": {s.tok.RefreshToken},
		},
	}
	tok, err := cc.Token(s.ctx)
	if err != nil {
		return nil, refreshError(err)
	}
	if tok.RefreshToken == "" {
		tok.RefreshToken = s.tok.RefreshToken
	} else if s.cfg.Cache != nil && tok.RefreshToken != s.tok.RefreshToken {
		_ = s.cfg.Cache.Save(tok) // a failed save only costs a prompt next time
	}
	s.tok = tok
	return publicToken(tok), nil
}

// forget drops the access token after the API refused it, so the next
// Token call redeems the refresh token.
func (s *delegatedSource) forget(access string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok.AccessToken == access {
		s.tok = &oauth2.Token{RefreshToken: s.tok.RefreshToken}
	}
}

// publicToken copies the parts of tok a caller needs, leaving out the refresh token.
func publicToken(tok *oauth2.Token) *oauth2.Token {
	return &oauth2.Token{AccessToken: tok.AccessToken, TokenType: tok.TokenType, Expiry: tok.Expiry}
}

// refreshError explains a failed refresh token redemption.
func refreshError(err error) error {
	ae, ok := authError(err).(*AuthError)
	if !ok {
		return authError(err)
	}
	if ae.Fix == "" && ae.OAuthError == "invalid_grant" {
		ae.Fix = "the saved sign-in is no longer valid: sign in again (mdlr logout, then mdlr)"
	}
	return ae
}
