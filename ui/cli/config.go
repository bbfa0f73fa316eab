package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"mdlr/api"
)

// Env reads environment variables (os.Getenv in production, a map in tests).
type Env func(string) string

// Sign-in modes, as named in flags, MDLR_SIGN_IN and the config file.
const (
	SignInSecret      = "secret"      // app + client secret
	SignInCertificate = "certificate" // app + certificate (signed client assertion)
	SignInDeviceCode  = "devicecode"  // a person, delegated, device code flow
	SignInAzureCLI    = "azcli"       // the token of the signed-in Azure CLI
)

// SignInModes lists the sign-in modes.
var SignInModes = []string{SignInSecret, SignInCertificate, SignInDeviceCode, SignInAzureCLI}

func validSignIn(m string) bool {
	for _, s := range SignInModes {
		if m == s {
			return true
		}
	}
	return false
}

// DefaultProfileName names the token cache when no profile is selected.
const DefaultProfileName = "default"

// Connection is the resolved way to reach a tenant: a real one from
// credentials, or the built-in simulated tenant (Demo).
type Connection struct {
	Demo                bool
	Profile             string // selected profile ("" none)
	SignIn              string // one of SignInModes
	TenantID            string
	ClientID            string
	ClientSecret        string // never printed
	CertificatePath     string
	CertificatePassword string // never printed
	Cloud               string
	Geo                 string // regional API host preset ("" none)
	AuthorityHost       string
	APIURL              string
	Scope               string
	StateDir            string
	DownloadDir         string
	ReadOnly            bool
	// Ephemeral keeps no sign-in on disk (the journal is still written).
	Ephemeral   bool
	Limits      api.Limits
	QueueWindow time.Duration // 0: the engine's default
	Keys        map[string][]string
	ConfigFile  string
	// Warnings are problems worth telling the user that do not stop mdlr.
	Warnings []string
	// Origins says where each setting's value came from (flag, environment,
	// profile, cloud preset, default), keyed by setting name.
	Origins map[string]string
}

// CacheName is the token cache's name: the profile, or "default".
func (c Connection) CacheName() string {
	if c.Profile != "" {
		return c.Profile
	}
	return DefaultProfileName
}

// connFlags are the flags every subcommand that talks to a tenant accepts.
// Secrets have no flag on purpose.
type connFlags struct {
	// interactive: a person is at the console, so a tenant and client id
	// with no secret or certificate mean "sign in as yourself" (device code).
	interactive                                    bool
	demo, readOnly, ephemeral                      bool
	profile, signIn, cloud, geo, cert              string
	tenant, clientID, authority, apiURL, scope, sd string
}

func (f *connFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.demo, "demo", false, "use the built-in simulated tenant")
	fs.StringVar(&f.profile, "profile", "", "profile from the config file (default $MDLR_PROFILE or default_profile)")
	fs.StringVar(&f.signIn, "sign-in", "", "sign-in mode: secret, certificate, devicecode or azcli (default $MDLR_SIGN_IN, the profile, or from the credentials set)")
	fs.StringVar(&f.cloud, "cloud", "", "cloud preset: commercial, gcc, gcchigh or dod (default $MDLR_CLOUD or commercial)")
	fs.StringVar(&f.geo, "geo", "", "regional API host: us, eu, uk, au, swa, ina or aea (default $MDLR_GEO)")
	fs.StringVar(&f.tenant, "tenant", "", "Entra tenant id (default $AZURE_TENANT_ID)")
	fs.StringVar(&f.clientID, "client-id", "", "app (client) id (default $AZURE_CLIENT_ID)")
	fs.StringVar(&f.cert, "certificate", "", "PEM or PFX certificate + key for certificate sign-in (default $AZURE_CLIENT_CERTIFICATE_PATH)")
	fs.StringVar(&f.authority, "authority-host", "", "sign-in host (default $AZURE_AUTHORITY_HOST or the cloud's)")
	fs.StringVar(&f.apiURL, "api-url", "", "Defender API URL (default $MDLR_API_URL or the cloud's)")
	fs.StringVar(&f.scope, "scope", "", "token scope (default $MDLR_SCOPE or the cloud's)")
	fs.StringVar(&f.sd, "state-dir", "", "journal and sign-in cache directory (default $MDLR_STATE_DIR or $XDG_STATE_HOME/mdlr)")
	fs.BoolVar(&f.readOnly, "read-only", false, "browse only: no submit, cancel, upload or delete")
	fs.BoolVar(&f.ephemeral, "ephemeral", false, "keep no sign-in on disk (no token cache; the action journal is still written)")
}

func pick(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// resolve turns flags, environment and the config file into a Connection.
// With no credentials at all, or --demo, the simulated tenant is used.
// Partial credentials are an error that names what is missing.
func (f *connFlags) resolve(env Env) (Connection, error) {
	c, err := f.settings(env)
	if err != nil {
		return c, err
	}
	return c, c.check()
}

// check decides demo mode and reports what a real sign-in still lacks.
func (c *Connection) check() error {
	if c.Demo {
		return nil
	}
	var missing []string
	need := func(v, what string) {
		if v == "" {
			missing = append(missing, what)
		}
	}
	switch c.SignIn {
	case SignInSecret:
		need(c.TenantID, "AZURE_TENANT_ID (or --tenant)")
		need(c.ClientID, "AZURE_CLIENT_ID (or --client-id)")
		need(c.ClientSecret, "AZURE_CLIENT_SECRET (or MDLR_CLIENT_SECRET_FILE)")
	case SignInCertificate:
		need(c.TenantID, "AZURE_TENANT_ID (or --tenant)")
		need(c.ClientID, "AZURE_CLIENT_ID (or --client-id)")
		need(c.CertificatePath, "AZURE_CLIENT_CERTIFICATE_PATH (or --certificate)")
	case SignInDeviceCode:
		need(c.TenantID, "AZURE_TENANT_ID (or --tenant)")
		need(c.ClientID, "AZURE_CLIENT_ID (or --client-id) of an app that allows public client flows")
	case SignInAzureCLI:
	default:
		need(c.TenantID, "AZURE_TENANT_ID (or --tenant)")
		need(c.ClientID, "AZURE_CLIENT_ID (or --client-id)")
		need("", "AZURE_CLIENT_SECRET (or MDLR_CLIENT_SECRET_FILE)")
		return fmt.Errorf("incomplete credentials: set %s, or choose another sign-in (--sign-in devicecode to sign in as yourself, certificate, azcli), or unset them all (or pass --demo) to use the simulated tenant", strings.Join(missing, ", "))
	}
	if len(missing) > 0 {
		return fmt.Errorf("incomplete credentials for %s sign-in: set %s, or unset them all (or pass --demo) to use the simulated tenant", c.SignIn, strings.Join(missing, ", "))
	}
	return nil
}

// settings resolves every value by precedence: flag > environment >
// profile > cloud preset > default, recording where each came from.
func (f *connFlags) settings(env Env) (Connection, error) {
	fc, path, warns, err := loadFileConfigWarn(env)
	c := Connection{ConfigFile: path, Warnings: warns, Origins: map[string]string{}}
	if err != nil {
		return c, err
	}
	r := resolver{c: &c}
	c.Profile = r.str("profile", flagV(f.profile, "profile"), envV(env, "MDLR_PROFILE"), val(fc.DefaultProfile, "config file default_profile"))
	var p Profile
	if c.Profile != "" {
		if err := checkProfileName(c.Profile); err != nil {
			return c, err
		}
		var ok bool
		if p, ok = fc.Profiles[c.Profile]; !ok {
			where := path
			if where == "" {
				where = "the config file"
			}
			return c, fmt.Errorf("profile %q is not defined in %s (profiles: %v)", c.Profile, where, fc.ProfileNames())
		}
	}
	pv := func(v string) source { return val(v, fmt.Sprintf("profile %q", c.Profile)) }

	c.Cloud = r.str("cloud", flagV(f.cloud, "cloud"), envV(env, "MDLR_CLOUD"), pv(p.Cloud), val("commercial", "default"))
	cloud, ok := api.CloudByName(strings.ToLower(c.Cloud))
	if !ok {
		return c, fmt.Errorf("unknown cloud %q (from %s): use one of %s", c.Cloud, c.Origins["cloud"], strings.Join(cloudNames(), ", "))
	}
	c.Cloud = cloud.Name
	preset := func(v string) source { return val(v, "cloud preset "+cloud.Name) }
	c.Geo = r.str("geo", flagV(f.geo, "geo"), envV(env, "MDLR_GEO"), pv(p.Geo))
	geoURL := ""
	if geo := strings.ToLower(c.Geo); geo != "" {
		u, ok := api.GeoAPIURL(geo)
		if !ok {
			return c, fmt.Errorf("unknown geo %q (from %s): use us, eu, uk, au, swa, ina or aea", geo, c.Origins["geo"])
		}
		if cloud.Name != "commercial" {
			return c, fmt.Errorf("geo %q applies to the commercial cloud only (cloud is %s from %s)", geo, cloud.Name, c.Origins["cloud"])
		}
		geoURL = u
	}
	c.AuthorityHost = strings.TrimRight(r.str("authority_host", flagV(f.authority, "authority-host"), envV(env, "AZURE_AUTHORITY_HOST"), pv(p.AuthorityHost), preset(cloud.AuthorityHost)), "/")
	c.APIURL = strings.TrimRight(r.str("api_url", flagV(f.apiURL, "api-url"), envV(env, "MDLR_API_URL"), pv(p.APIURL), val(geoURL, "geo "+c.Geo), preset(cloud.APIURL)), "/")
	c.Scope = r.str("scope", flagV(f.scope, "scope"), envV(env, "MDLR_SCOPE"), pv(p.Scope), preset(cloud.Scope))
	c.TenantID = r.str("tenant", flagV(f.tenant, "tenant"), envV(env, "AZURE_TENANT_ID"), pv(p.Tenant))
	c.ClientID = r.str("client_id", flagV(f.clientID, "client-id"), envV(env, "AZURE_CLIENT_ID"), pv(p.ClientID))
	c.CertificatePath = r.str("certificate_path", flagV(f.cert, "certificate"), envV(env, "AZURE_CLIENT_CERTIFICATE_PATH"), pv(p.CertificatePath))
	c.CertificatePassword = env("AZURE_CLIENT_CERTIFICATE_PASSWORD")
	if c.CertificatePassword != "" {
		c.Origins["certificate_password"] = "env AZURE_CLIENT_CERTIFICATE_PASSWORD"
	}
	secret, from, err := readSecret(env)
	if err != nil {
		return c, err
	}
	c.ClientSecret = secret
	if from != "" {
		c.Origins["client_secret"] = from
	}
	inferred := ""
	switch {
	case c.ClientSecret != "":
		inferred = SignInSecret
	case c.CertificatePath != "":
		inferred = SignInCertificate
	case f.interactive && c.TenantID != "" && c.ClientID != "":
		inferred = SignInDeviceCode
	}
	c.SignIn = strings.ToLower(r.str("sign_in", flagV(f.signIn, "sign-in"), envV(env, "MDLR_SIGN_IN"), pv(p.SignIn), val(inferred, "default (from the credentials set)")))
	if c.SignIn != "" && !validSignIn(c.SignIn) {
		return c, fmt.Errorf("unknown sign-in mode %q (from %s): use one of %s", c.SignIn, c.Origins["sign_in"], strings.Join(SignInModes, ", "))
	}
	c.StateDir = r.str("state_dir", flagV(f.sd, "state-dir"), envV(env, "MDLR_STATE_DIR"))
	c.DownloadDir = r.str("download_dir", pv(p.DownloadDir), val(fc.DownloadDir, "config file download_dir"))
	c.ReadOnly = r.flag("read_only", f.readOnly, "flag --read-only", truthy(env("MDLR_READ_ONLY")), "env MDLR_READ_ONLY",
		p.ReadOnly != nil && *p.ReadOnly, fmt.Sprintf("profile %q", c.Profile), fc.ReadOnly, "config file read_only")
	c.Ephemeral = r.flag("ephemeral", f.ephemeral, "flag --ephemeral", truthy(env("MDLR_EPHEMERAL")), "env MDLR_EPHEMERAL")
	if err := r.limits(p); err != nil {
		return c, err
	}
	c.Keys = mergeKeys(fc.Keys, p.Keys)
	c.Demo = f.demo || (c.TenantID == "" && c.ClientID == "" && c.ClientSecret == "" && c.CertificatePath == "" && c.SignIn != SignInAzureCLI)
	if c.Demo {
		c.Origins["demo"] = "default (no credentials set)"
		if f.demo {
			c.Origins["demo"] = "flag --demo"
		}
	}
	if c.SignIn == "" && c.Demo {
		c.SignIn = SignInSecret
		c.Origins["sign_in"] = "default (demo)"
	}
	return c, nil
}

func cloudNames() []string {
	var out []string
	for _, c := range api.Clouds() {
		out = append(out, c.Name)
	}
	return out
}

func truthy(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

func mergeKeys(layers ...map[string][]string) map[string][]string {
	var out map[string][]string
	for _, l := range layers {
		for k, v := range l {
			if out == nil {
				out = map[string][]string{}
			}
			out[k] = v
		}
	}
	return out
}

// readSecret takes the client secret from AZURE_CLIENT_SECRET or from the
// file named by MDLR_CLIENT_SECRET_FILE (which must not be readable by
// group or others). from names where it came from ("" when unset).
func readSecret(env Env) (secret, from string, err error) {
	if s := env("AZURE_CLIENT_SECRET"); s != "" {
		return s, "env AZURE_CLIENT_SECRET", nil
	}
	path := env("MDLR_CLIENT_SECRET_FILE")
	if path == "" {
		return "", "", nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return "", "", fmt.Errorf("MDLR_CLIENT_SECRET_FILE: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return "", "", fmt.Errorf("MDLR_CLIENT_SECRET_FILE %s is readable by group or others (mode %v): run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", "", fmt.Errorf("MDLR_CLIENT_SECRET_FILE: %w", err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", "", errors.New("MDLR_CLIENT_SECRET_FILE is empty")
	}
	return s, "file MDLR_CLIENT_SECRET_FILE=" + path, nil
}
