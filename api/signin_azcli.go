package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// azTimeout bounds one `az account get-access-token` run.
const azTimeout = 60 * time.Second

// azArg is what a resource URL or tenant passed to az may look like: no
// leading dash (it would read as an option), no spaces or shell syntax.
var azArg = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/\-]*$`)

// AzureCLITokenSource returns a token source that asks the Azure CLI for a
// token for resource (e.g. https://api.securitycenter.microsoft.com),
// running `az account get-access-token --resource <resource> [--tenant
// <tenantID>] -o json`. The token is reused until shortly before it
// expires. Errors say whether az is missing or not signed in; they never
// quote a token.
func AzureCLITokenSource(ctx context.Context, resource string, tenantID string) oauth2.TokenSource {
	if ctx == nil {
		ctx = context.Background()
	}
	return &azSource{ctx: ctx, resource: strings.TrimSpace(resource), tenant: strings.TrimSpace(tenantID)}
}

type azSource struct {
	ctx              context.Context
	resource, tenant string

	mu  sync.Mutex
	tok *oauth2.Token
}

// Token implements oauth2.TokenSource.
func (s *azSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != nil && time.Until(s.tok.Expiry) > tokenEarlyExpiry {
		return publicToken(s.tok), nil
	}
	tok, err := s.fetch()
	if err != nil {
		return nil, err
	}
	s.tok = tok
	return publicToken(tok), nil
}

// forget drops a token the API refused.
func (s *azSource) forget(access string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != nil && s.tok.AccessToken == access {
		s.tok = nil
	}
}

func (s *azSource) fetch() (*oauth2.Token, error) {
	if !azArg.MatchString(s.resource) {
		return nil, &AuthError{Fix: "the resource for az sign-in must be a URL such as https://api.securitycenter.microsoft.com"}
	}
	if s.tenant != "" && !azArg.MatchString(s.tenant) {
		return nil, &AuthError{Fix: "the tenant ID must be a GUID or a domain name"}
	}
	az, err := exec.LookPath("az")
	if err != nil {
		return nil, &AuthError{Fix: "the Azure CLI (az) is not installed or not on PATH: install it, or choose another sign-in mode"}
	}
	args := []string{"account", "get-access-token", "--resource", s.resource}
	if s.tenant != "" {
		args = append(args, "--tenant", s.tenant)
	}
	args = append(args, "-o", "json")
	ctx, cancel := context.WithTimeout(s.ctx, azTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, az, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if s.ctx.Err() != nil {
			return nil, s.ctx.Err()
		}
		if ctx.Err() != nil {
			return nil, &AuthError{Fix: "the Azure CLI did not answer within a minute: run az account get-access-token yourself to see why"}
		}
		return nil, azError(stderr.String(), s.tenant)
	}
	return parseAzToken(stdout.Bytes())
}

// azError explains a failed az run from its stderr.
func azError(stderr, tenant string) error {
	login := "az login"
	if tenant != "" {
		login += " --tenant " + tenant
	}
	if code := aadstsCode.FindString(stderr); code != "" {
		ae := &AuthError{Code: code, Fix: aadstsFixes[code]}
		if ae.Fix == "" {
			ae.Fix = "the Azure CLI could not get a token: run " + login + " again"
		}
		return ae
	}
	low := strings.ToLower(stderr)
	if strings.Contains(low, "az login") || strings.Contains(low, "not logged in") || strings.Contains(low, "no subscription") {
		return &AuthError{Fix: "the Azure CLI is not signed in: run " + login}
	}
	line := sanitize(firstLine(strings.TrimSpace(stderr)), 160)
	if looksLikeToken(line) || line == "" {
		line = "no details"
	}
	return &AuthError{Fix: "the Azure CLI could not get a token (" + line + "): run " + login + " and try again"}
}

// looksLikeToken reports text that may hold a JWT, so it is never quoted.
func looksLikeToken(s string) bool { return strings.Contains(s, "eyJ") }

// parseAzToken reads the JSON az prints.
func parseAzToken(out []byte) (*oauth2.Token, error) {
	var v struct {
		AccessToken string          `json:"accessToken"`
		TokenType   string          `json:"tokenType"`
		ExpiresOn   string          `json:"expiresOn"`
		ExpiresOnTS json.RawMessage `json:"expires_on"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.AccessToken == "" {
		return nil, &AuthError{Fix: "the Azure CLI printed no access token: update az and run az login again"}
	}
	tok := &oauth2.Token{AccessToken: v.AccessToken, TokenType: "Bearer"}
	if ts := strings.Trim(string(v.ExpiresOnTS), `"`); ts != "" {
		if n, err := strconv.ParseInt(ts, 10, 64); err == nil {
			tok.Expiry = time.Unix(n, 0)
		}
	}
	if tok.Expiry.IsZero() && v.ExpiresOn != "" {
		// Older az versions print local time without a zone.
		for _, layout := range []string{"2006-01-02 15:04:05.999999", "2006-01-02T15:04:05.999999Z07:00"} {
			if t, err := time.ParseInLocation(layout, v.ExpiresOn, time.Local); err == nil {
				tok.Expiry = t
				break
			}
		}
	}
	if tok.Expiry.IsZero() {
		return nil, errors.New("the Azure CLI token has no readable expiry: update az")
	}
	return tok, nil
}
