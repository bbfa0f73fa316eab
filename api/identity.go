package api

// HeldIdentity returns the claims of the access token the client already
// holds, without signing in or refreshing it (an expired token still names
// the same caller), so recording who acts never adds a network call. ok is
// false before the first sign-in or for an opaque token. The claims are not
// verified (see ParseClaims): for audit records and display only. The token
// itself is never returned.
func (c *Client) HeldIdentity() (claims Claims, ok bool) {
	c.tokens.mu.Lock()
	tok := c.tokens.tok
	c.tokens.mu.Unlock()
	if tok == nil || tok.AccessToken == "" {
		return Claims{}, false
	}
	claims, err := ParseClaims(tok.AccessToken)
	return claims, err == nil
}
