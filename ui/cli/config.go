package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"mdlr/api"
)

// Env reads environment variables (os.Getenv in production, a map in tests).
type Env func(string) string

// Connection is the resolved way to reach a tenant: a real one from
// credentials, or the built-in simulated tenant (Demo).
type Connection struct {
	Demo          bool
	TenantID      string
	ClientID      string
	ClientSecret  string // never printed
	AuthorityHost string
	APIURL        string
	Scope         string
	StateDir      string
}

// connFlags are the flags every subcommand that talks to a tenant accepts.
// The secret has no flag on purpose.
type connFlags struct {
	demo                                           bool
	tenant, clientID, authority, apiURL, scope, sd string
}

func (f *connFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.demo, "demo", false, "use the built-in simulated tenant")
	fs.StringVar(&f.tenant, "tenant", "", "Entra tenant id (default $AZURE_TENANT_ID)")
	fs.StringVar(&f.clientID, "client-id", "", "app (client) id (default $AZURE_CLIENT_ID)")
	fs.StringVar(&f.authority, "authority-host", "", "sign-in host (default $AZURE_AUTHORITY_HOST or "+api.DefaultAuthorityHost+")")
	fs.StringVar(&f.apiURL, "api-url", "", "Defender API URL (default $MDLR_API_URL or "+api.DefaultAPIURL+")")
	fs.StringVar(&f.scope, "scope", "", "token scope (default $MDLR_SCOPE or "+api.DefaultScope+")")
	fs.StringVar(&f.sd, "state-dir", "", "journal directory (default $MDLR_STATE_DIR or $XDG_STATE_HOME/mdlr)")
}

func pick(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// resolve turns flags and environment into a Connection. With no
// credentials at all, or --demo, the simulated tenant is used. Partial
// credentials are an error that names what is missing.
func (f *connFlags) resolve(env Env) (Connection, error) {
	c := Connection{
		TenantID:      pick(f.tenant, env("AZURE_TENANT_ID")),
		ClientID:      pick(f.clientID, env("AZURE_CLIENT_ID")),
		AuthorityHost: strings.TrimRight(pick(f.authority, env("AZURE_AUTHORITY_HOST"), api.DefaultAuthorityHost), "/"),
		APIURL:        strings.TrimRight(pick(f.apiURL, env("MDLR_API_URL"), api.DefaultAPIURL), "/"),
		Scope:         pick(f.scope, env("MDLR_SCOPE"), api.DefaultScope),
		StateDir:      pick(f.sd, env("MDLR_STATE_DIR")),
	}
	secret, err := readSecret(env)
	if err != nil {
		return c, err
	}
	c.ClientSecret = secret
	if f.demo || (c.TenantID == "" && c.ClientID == "" && c.ClientSecret == "") {
		c.Demo = true
		return c, nil
	}
	var missing []string
	if c.TenantID == "" {
		missing = append(missing, "AZURE_TENANT_ID (or --tenant)")
	}
	if c.ClientID == "" {
		missing = append(missing, "AZURE_CLIENT_ID (or --client-id)")
	}
	if c.ClientSecret == "" {
		missing = append(missing, "AZURE_CLIENT_SECRET (or MDLR_CLIENT_SECRET_FILE)")
	}
	if len(missing) > 0 {
		return c, fmt.Errorf("incomplete credentials: set %s, or unset them all (or pass --demo) to use the simulated tenant", strings.Join(missing, ", "))
	}
	return c, nil
}

// readSecret takes the client secret from AZURE_CLIENT_SECRET or from the
// file named by MDLR_CLIENT_SECRET_FILE (which must not be readable by
// group or others).
func readSecret(env Env) (string, error) {
	if s := env("AZURE_CLIENT_SECRET"); s != "" {
		return s, nil
	}
	path := env("MDLR_CLIENT_SECRET_FILE")
	if path == "" {
		return "", nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("MDLR_CLIENT_SECRET_FILE: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("MDLR_CLIENT_SECRET_FILE %s is readable by group or others (mode %v): run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("MDLR_CLIENT_SECRET_FILE: %w", err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", errors.New("MDLR_CLIENT_SECRET_FILE is empty")
	}
	return s, nil
}
