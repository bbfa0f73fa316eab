package api

import "fmt"

// String describes the configuration with the client secret redacted, so
// printing or logging a Config never reveals it.
func (c Config) String() string {
	secret := ""
	if c.ClientSecret != "" {
		secret = "[redacted]"
	}
	return fmt.Sprintf("api.Config{BaseURL:%q TokenURL:%q ClientID:%q ClientSecret:%s Scope:%q MaxRetries:%d}",
		c.BaseURL, c.TokenURL, c.ClientID, secret, c.Scope, c.MaxRetries)
}

// GoString is String, so %#v redacts the secret too.
func (c Config) GoString() string { return c.String() }
