package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"mdlr/api"
)

// Signer turns a Connection into an OAuth2 token source for the sign-in
// modes other than secret (certificate, devicecode, azcli). The console
// uses it to drive its sign-in screen: Prompt receives the device code,
// cancelling ctx abandons the sign-in.
type Signer struct {
	Conn Connection
	// HTTPClient carries token requests (nil: the api package's default).
	HTTPClient *http.Client
	// Prompt shows the device code (called at most once per TokenSource).
	Prompt func(api.DevicePrompt)
	// Notice receives one-line messages (e.g. "the cached sign-in expired").
	Notice func(string)
	// Now is the clock for certificate assertions (nil: time.Now).
	Now func() time.Time
}

// TokenSource signs in and returns a source of access tokens. Device code
// sign-in first tries the cached refresh token of the profile (unless the
// connection is ephemeral) and only prompts when there is none or it no
// longer works.
func (s *Signer) TokenSource(ctx context.Context) (oauth2.TokenSource, error) {
	c := s.Conn
	switch c.SignIn {
	case SignInCertificate:
		certs, key, err := api.LoadCertificate(c.CertificatePath, c.CertificatePassword)
		if err != nil {
			return nil, fmt.Errorf("certificate %s: %w", c.CertificatePath, err)
		}
		return api.NewCertificateTokenSource(ctx, api.CertConfig{
			TokenURL: api.TokenURLFor(c.AuthorityHost, c.TenantID), ClientID: c.ClientID, Scope: c.Scope,
			Certs: certs, Key: key, HTTPClient: s.HTTPClient, Now: s.Now,
		})
	case SignInDeviceCode:
		return s.deviceCode(ctx)
	case SignInAzureCLI:
		return api.AzureCLITokenSource(ctx, resourceOf(c.Scope), c.TenantID), nil
	case SignInSecret:
		return nil, errors.New("secret sign-in needs no Signer: use api.New")
	default:
		return nil, fmt.Errorf("unknown sign-in mode %q", c.SignIn)
	}
}

// deviceCode runs the device code flow, resuming the cached sign-in.
func (s *Signer) deviceCode(ctx context.Context) (oauth2.TokenSource, error) {
	c := s.Conn
	cfg := api.DeviceCodeConfig{AuthorityHost: c.AuthorityHost, TenantID: c.TenantID, ClientID: c.ClientID, Scope: c.Scope, HTTPClient: s.HTTPClient}
	if !c.Ephemeral {
		cfg.Cache = api.FileTokenCache(TokenCachePath(c.StateDir, c.CacheName()))
		ts, ok, err := api.CachedDelegatedTokenSource(ctx, cfg)
		switch {
		case err == nil && ok:
			return ts, nil
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			var ae *api.AuthError
			if ok && !errors.As(err, &ae) {
				return nil, err // the network, not the sign-in: keep the cache for next time
			}
			_ = cfg.Cache.Clear()
			why := "unreadable"
			if ae != nil {
				why = "expired or revoked"
				if ae.Code != "" {
					why += ", " + ae.Code
				}
			}
			s.notice("the saved sign-in of profile " + c.CacheName() + " no longer works (" + why + "): signing in again")
		}
	}
	flow, err := api.StartDeviceCode(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if s.Prompt != nil {
		s.Prompt(flow.Prompt())
	}
	ts, err := flow.Wait(ctx)
	if err != nil {
		return nil, err
	}
	if cerr := flow.CacheError(); cerr != nil {
		s.notice("signed in, but the sign-in could not be saved (" + cerr.Error() + "): the next start will ask again")
	}
	return ts, nil
}

func (s *Signer) notice(msg string) {
	if s.Notice != nil {
		s.Notice(msg)
	}
}

// resourceOf turns a v2 scope ("https://host/.default") into the resource
// the Azure CLI asks for ("https://host").
func resourceOf(scope string) string {
	return strings.TrimSuffix(strings.TrimSuffix(scope, "/.default"), "/")
}

// devicePromptLine is what the CLI prints on stderr for a device code.
func devicePromptLine(p api.DevicePrompt, now time.Time) string {
	line := fmt.Sprintf("To sign in, open %s and enter code %s", p.VerificationURI, p.UserCode)
	if !p.ExpiresAt.IsZero() {
		if left := p.ExpiresAt.Sub(now).Round(time.Minute); left > 0 {
			line += fmt.Sprintf(" (expires in %d min)", int(left.Minutes()))
		}
	}
	return line
}
