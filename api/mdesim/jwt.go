package mdesim

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// tokenAudience is the aud claim of every access token (mde-api.md §1.1).
const tokenAudience = "https://api.securitycenter.microsoft.com"

// tokenInfo is what the tenant remembers about an access token it issued.
type tokenInfo struct {
	expires   time.Time // on the clock (Options.Now)
	clientID  string
	delegated bool
	upn       string   // delegated only
	perms     []string // roles (app) or scp (delegated)
}

// has reports whether the token carries any of perms.
func (t *tokenInfo) has(perms ...string) bool {
	for _, want := range perms {
		for _, p := range t.perms {
			if strings.EqualFold(p, want) {
				return true
			}
		}
	}
	return false
}

// mintAccessToken returns a JWT-shaped access token for info. The signature
// is an HMAC with a key private to this Sim; the API never checks it (it
// looks tokens up in its table), but the payload decodes like Entra's.
func (s *Sim) mintAccessToken(info *tokenInfo, issued time.Time) string {
	var jti [16]byte
	_, _ = rand.Read(jti[:])
	claims := map[string]any{
		"aud": tokenAudience,
		"iss": "https://sts.windows.net/" + s.opts.TenantID + "/",
		"iat": issued.Unix(), "nbf": issued.Unix(), "exp": info.expires.Unix(),
		"tid":   s.opts.TenantID,
		"appid": info.clientID, "azp": info.clientID,
		"uti": base64.RawURLEncoding.EncodeToString(jti[:]),
		"ver": "1.0",
	}
	if info.delegated {
		claims["scp"] = strings.Join(info.perms, " ")
		claims["upn"] = info.upn
		claims["name"] = "Demo Analyst"
		claims["oid"] = demoUserObjectID
		claims["idtyp"] = "user"
	} else {
		claims["roles"] = info.perms
		claims["oid"] = servicePrincipalID(info.clientID)
		claims["idtyp"] = "app"
	}
	header, _ := json.Marshal(map[string]string{"alg": "HS256", "typ": "JWT"})
	payload, _ := json.Marshal(claims)
	signing := b64(header) + "." + b64(payload)
	mac := hmac.New(sha256.New, s.jwtKey[:])
	mac.Write([]byte(signing))
	return signing + "." + b64(mac.Sum(nil))
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// issueToken mints an access token for info, records it and returns the
// token response body. s.mu must not be held.
func (s *Sim) issueToken(info *tokenInfo, refreshToken string) tokenResponse {
	now := s.opts.Now()
	info.expires = now.Add(s.opts.TokenLifetime)
	tok := s.mintAccessToken(info, now)
	s.mu.Lock()
	for t, ti := range s.tokens {
		if !now.Before(ti.expires) {
			delete(s.tokens, t)
			delete(s.calls, t)
		}
	}
	s.tokens[tok] = info
	s.mu.Unlock()
	secs := int(s.opts.TokenLifetime / time.Second)
	resp := tokenResponse{TokenType: "Bearer", ExpiresIn: secs, ExtExpiresIn: secs, AccessToken: tok, RefreshToken: refreshToken}
	if info.delegated {
		resp.Scope = tokenAudience + "/" + strings.Join(info.perms, " "+tokenAudience+"/")
	}
	return resp
}
