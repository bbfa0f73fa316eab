package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Claims are what an access token says about the caller, decoded from the
// JWT payload WITHOUT verifying the signature: for display and permission
// checks only, never for a security decision.
type Claims struct {
	TenantID    string
	AppID       string // appid (v1) or azp (v2)
	ObjectID    string // oid of the user or service principal
	UPN         string // delegated: upn, unique_name or preferred_username
	Name        string
	Roles       []string // application permissions (app tokens)
	Scopes      []string // delegated permissions (scp, space separated)
	Audience    string
	Expires     time.Time
	IsDelegated bool
}

// claimRunes bounds each decoded claim.
const claimRunes = 200

// maxTokenPayload bounds the decoded JWT payload.
const maxTokenPayload = 64 << 10

// errOpaqueToken is returned for an access token that is not a JWT.
var errOpaqueToken = errors.New("the access token is not a JWT, so its permissions cannot be read")

// ParseClaims decodes the claims of a JWT access token without verifying
// it. The error never quotes the token.
func ParseClaims(accessToken string) (Claims, error) {
	parts := strings.Split(accessToken, ".")
	if len(parts) != 3 || len(parts[1]) > maxTokenPayload {
		return Claims{}, errOpaqueToken
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return Claims{}, errOpaqueToken
	}
	var raw struct {
		Tid        string          `json:"tid"`
		AppID      string          `json:"appid"`
		Azp        string          `json:"azp"`
		Oid        string          `json:"oid"`
		UPN        string          `json:"upn"`
		UniqueName string          `json:"unique_name"`
		Preferred  string          `json:"preferred_username"`
		Name       string          `json:"name"`
		Roles      []string        `json:"roles"`
		Scp        string          `json:"scp"`
		Aud        json.RawMessage `json:"aud"`
		Exp        json.Number     `json:"exp"`
		IdTyp      string          `json:"idtyp"`
	}
	if err := json.Unmarshal(payload, &raw); err != nil {
		return Claims{}, errors.New("the access token's claims cannot be read")
	}
	c := Claims{
		TenantID: sanitize(raw.Tid, claimRunes),
		AppID:    sanitize(firstNonEmpty(raw.AppID, raw.Azp), claimRunes),
		ObjectID: sanitize(raw.Oid, claimRunes),
		UPN:      sanitize(firstNonEmpty(raw.UPN, raw.UniqueName, raw.Preferred), claimRunes),
		Name:     sanitize(raw.Name, claimRunes),
	}
	for _, r := range raw.Roles {
		if r = sanitize(r, 100); r != "" {
			c.Roles = append(c.Roles, r)
		}
	}
	for _, s := range strings.Fields(raw.Scp) {
		c.Scopes = append(c.Scopes, sanitize(s, 100))
	}
	var aud string
	if json.Unmarshal(raw.Aud, &aud) == nil {
		c.Audience = sanitize(aud, claimRunes)
	}
	if n, err := raw.Exp.Int64(); err == nil && n > 0 {
		c.Expires = time.Unix(n, 0)
	}
	c.IsDelegated = raw.Scp != "" || raw.IdTyp == "user" || (c.UPN != "" && len(raw.Roles) == 0)
	return c, nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// Identity signs in if needed (or reuses the current token) and returns
// the token's claims. The token itself is never returned.
func (c *Client) Identity(ctx context.Context) (Claims, error) {
	if err := ctx.Err(); err != nil {
		return Claims{}, err
	}
	tok, err := c.tokens.token()
	if err != nil {
		return Claims{}, err
	}
	return ParseClaims(tok)
}
