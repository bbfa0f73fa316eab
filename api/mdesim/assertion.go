package mdesim

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// Client assertion rules (Entra certificate-credentials.md).
const (
	assertionSkew        = 5 * time.Minute  // tolerated clock difference
	assertionMaxLifetime = 10 * time.Minute // exp − nbf
)

// verifyAssertion checks a client assertion for reg the way Entra does: a
// PS256 (or legacy RS256) signature by a certificate registered on the app,
// named by x5t#S256 (or legacy x5t); aud the token endpoint; iss = sub =
// the client id; a short validity that includes now; a jti never seen
// before. It returns 0 or an AADSTS code and its description.
func (s *Sim) verifyAssertion(reg *registration, assertion, tokenURL string) (int, string) {
	bad := func(msg string) (int, string) {
		return 700027, "AADSTS700027: Client assertion failed signature validation. " + msg
	}
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return 50027, "AADSTS50027: JWT token is invalid or malformed."
	}
	var hdr struct {
		Alg     string `json:"alg"`
		Typ     string `json:"typ"`
		X5t     string `json:"x5t"`
		X5tS256 string `json:"x5t#S256"`
	}
	var claims struct {
		Aud string `json:"aud"`
		Iss string `json:"iss"`
		Sub string `json:"sub"`
		Jti string `json:"jti"`
		Nbf *int64 `json:"nbf"`
		Iat *int64 `json:"iat"`
		Exp *int64 `json:"exp"`
	}
	if !decodeSegment(parts[0], &hdr) || !decodeSegment(parts[1], &claims) {
		return 50027, "AADSTS50027: JWT token is invalid or malformed."
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return bad("The signature is not base64url.")
	}
	cert := findCert(reg.certs, hdr.X5tS256, hdr.X5t)
	if cert == nil {
		return bad("The certificate with identifier used to sign the client assertion is not registered on application '" + reg.clientID + "'.")
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return bad("Only RSA certificates are supported.")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	switch hdr.Alg {
	case "PS256":
		err = rsa.VerifyPSS(pub, crypto.SHA256, digest[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
	case "RS256":
		err = rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig)
	default:
		return bad("Unsupported algorithm '" + hdr.Alg + "'.")
	}
	if err != nil {
		return bad("The signature does not match the registered certificate.")
	}
	if !strings.EqualFold(claims.Aud, tokenURL) {
		return bad("The audience '" + claims.Aud + "' is not the token endpoint " + tokenURL + ".")
	}
	if claims.Iss != reg.clientID || claims.Sub != reg.clientID {
		return bad("iss and sub must be the client id.")
	}
	if claims.Jti == "" || claims.Exp == nil {
		return bad("jti and exp are required.")
	}
	now := s.opts.Now()
	exp := time.Unix(*claims.Exp, 0)
	start := exp.Add(-assertionMaxLifetime - time.Second)
	if claims.Nbf != nil {
		start = time.Unix(*claims.Nbf, 0)
	} else if claims.Iat != nil {
		start = time.Unix(*claims.Iat, 0)
	}
	if !now.Before(exp.Add(assertionSkew)) || now.Add(assertionSkew).Before(start) || exp.Sub(start) > assertionMaxLifetime {
		return 700024, "AADSTS700024: Client assertion is not within its valid time range."
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for j, e := range s.usedJTIs {
		if now.After(e.Add(assertionSkew)) {
			delete(s.usedJTIs, j)
		}
	}
	if _, seen := s.usedJTIs[claims.Jti]; seen {
		return bad("The jti '" + claims.Jti + "' was already used: assertions cannot be replayed.")
	}
	s.usedJTIs[claims.Jti] = exp
	return 0, ""
}

// decodeSegment decodes a base64url JSON segment of a JWT into v.
func decodeSegment(seg string, v any) bool {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	return err == nil && json.Unmarshal(b, v) == nil
}

// findCert returns the registered certificate whose SHA-256 (or SHA-1)
// thumbprint the assertion names.
func findCert(certs []*x509.Certificate, x5tS256, x5t string) *x509.Certificate {
	for _, c := range certs {
		s256 := sha256.Sum256(c.Raw)
		s1 := sha1.Sum(c.Raw)
		if x5tS256 != "" && x5tS256 == b64(s256[:]) || x5tS256 == "" && x5t != "" && x5t == b64(s1[:]) {
			return c
		}
	}
	return nil
}
