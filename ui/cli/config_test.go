package cli

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mdlr/keymap"
)

// configEnv is a test environment with a config file holding toml.
func configEnv(t *testing.T, toml string, vars map[string]string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	if toml != "" {
		if err := os.WriteFile(path, []byte(toml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"MDLR_CONFIG": path, "XDG_STATE_HOME": filepath.Join(dir, "state")}
	for k, v := range vars {
		env[k] = v
	}
	return env
}

// resolveWith parses args as connection flags and resolves settings.
func resolveWith(t *testing.T, env map[string]string, args ...string) (Connection, error) {
	t.Helper()
	var cf connFlags
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cf.register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("flags %v: %v", args, err)
	}
	return cf.settings(func(k string) string { return env[k] })
}

const profilesTOML = `
default_profile = "prod"
download_dir = "/top/downloads"

[profiles.prod]
tenant = "tenant-from-profile"
client_id = "client-from-profile"
sign_in = "devicecode"
scope = "https://profile.example/.default"
download_dir = "/profile/downloads"

[profiles.prod.limits]
calls_per_minute = 40
submit_per_minute = 3
queue_window = "30m"

[profiles.gov]
tenant = "gov-tenant"
client_id = "gov-client"
cloud = "gcchigh"
sign_in = "certificate"
certificate_path = "/etc/mdlr/gov.pem"
read_only = true

[profiles.eu]
tenant = "eu-tenant"
client_id = "eu-client"
geo = "eu"
`

func TestConfigPrecedencePerValue(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		setting string
		get     func(Connection) string
		want    string
		from    string
	}{
		{"tenant from default profile", nil, nil, "tenant", func(c Connection) string { return c.TenantID }, "tenant-from-profile", `profile "prod"`},
		{"env beats profile", nil, map[string]string{"AZURE_TENANT_ID": "env-tenant"}, "tenant", func(c Connection) string { return c.TenantID }, "env-tenant", "env AZURE_TENANT_ID"},
		{"flag beats env", []string{"--tenant", "flag-tenant"}, map[string]string{"AZURE_TENANT_ID": "env-tenant"}, "tenant", func(c Connection) string { return c.TenantID }, "flag-tenant", "flag --tenant"},
		{"profile scope beats preset", nil, nil, "scope", func(c Connection) string { return c.Scope }, "https://profile.example/.default", `profile "prod"`},
		{"env scope beats profile", nil, map[string]string{"MDLR_SCOPE": "https://env.example/.default"}, "scope", func(c Connection) string { return c.Scope }, "https://env.example/.default", "env MDLR_SCOPE"},
		{"preset scope for gov", []string{"--profile", "gov"}, nil, "scope", func(c Connection) string { return c.Scope }, "https://api-gov.securitycenter.microsoft.us/.default", "cloud preset gcchigh"},
		{"preset authority for gov", []string{"--profile", "gov"}, nil, "authority_host", func(c Connection) string { return c.AuthorityHost }, "https://login.microsoftonline.us", "cloud preset gcchigh"},
		{"env authority beats preset", []string{"--profile", "gov"}, map[string]string{"AZURE_AUTHORITY_HOST": "https://login.example/"}, "authority_host", func(c Connection) string { return c.AuthorityHost }, "https://login.example", "env AZURE_AUTHORITY_HOST"},
		{"flag cloud beats profile cloud", []string{"--profile", "gov", "--cloud", "gcc"}, nil, "api_url", func(c Connection) string { return c.APIURL }, "https://api-gcc.securitycenter.microsoft.us", "cloud preset gcc"},
		{"geo beats cloud preset", []string{"--profile", "eu"}, nil, "api_url", func(c Connection) string { return c.APIURL }, "https://eu.api.security.microsoft.com", "geo eu"},
		{"api url env beats geo", []string{"--profile", "eu"}, map[string]string{"MDLR_API_URL": "https://api.example"}, "api_url", func(c Connection) string { return c.APIURL }, "https://api.example", "env MDLR_API_URL"},
		{"default api url", []string{"--profile", "gov", "--cloud", "commercial"}, nil, "api_url", func(c Connection) string { return c.APIURL }, "https://api.security.microsoft.com", "cloud preset commercial"},
		{"MDLR_PROFILE selects", nil, map[string]string{"MDLR_PROFILE": "gov"}, "profile", func(c Connection) string { return c.Profile }, "gov", "env MDLR_PROFILE"},
		{"flag profile beats env", []string{"--profile", "eu"}, map[string]string{"MDLR_PROFILE": "gov"}, "profile", func(c Connection) string { return c.Profile }, "eu", "flag --profile"},
		{"default profile", nil, nil, "profile", func(c Connection) string { return c.Profile }, "prod", "config file default_profile"},
		{"sign-in from profile", nil, nil, "sign_in", func(c Connection) string { return c.SignIn }, "devicecode", `profile "prod"`},
		{"sign-in env beats profile", nil, map[string]string{"MDLR_SIGN_IN": "azcli"}, "sign_in", func(c Connection) string { return c.SignIn }, "azcli", "env MDLR_SIGN_IN"},
		{"sign-in flag beats env", []string{"--sign-in", "certificate"}, map[string]string{"MDLR_SIGN_IN": "azcli"}, "sign_in", func(c Connection) string { return c.SignIn }, "certificate", "flag --sign-in"},
		{"certificate path env beats profile", []string{"--profile", "gov"}, map[string]string{"AZURE_CLIENT_CERTIFICATE_PATH": "/env/cert.pem"}, "certificate_path", func(c Connection) string { return c.CertificatePath }, "/env/cert.pem", "env AZURE_CLIENT_CERTIFICATE_PATH"},
		{"profile download dir beats top level", nil, nil, "download_dir", func(c Connection) string { return c.DownloadDir }, "/profile/downloads", `profile "prod"`},
		{"top-level download dir", []string{"--profile", "gov"}, nil, "download_dir", func(c Connection) string { return c.DownloadDir }, "/top/downloads", "config file download_dir"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := configEnv(t, profilesTOML, tc.env)
			c, err := resolveWith(t, env, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if got := tc.get(c); got != tc.want {
				t.Errorf("%s = %q, want %q", tc.setting, got, tc.want)
			}
			if got := c.Origins[tc.setting]; got != tc.from {
				t.Errorf("%s came from %q, want %q", tc.setting, got, tc.from)
			}
		})
	}
}

func TestConfigWithoutFileKeepsIssue2Defaults(t *testing.T) {
	env := configEnv(t, "", nil)
	c, err := resolveWith(t, env)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Demo || c.SignIn != SignInSecret || c.Cloud != "commercial" || c.APIURL != "https://api.security.microsoft.com" ||
		c.Scope != "https://api.securitycenter.microsoft.com/.default" || c.AuthorityHost != "https://login.microsoftonline.com" {
		t.Fatalf("no credentials, no file: %+v", c)
	}
	if c.Origins["api_url"] != "cloud preset commercial" || c.Origins["cloud"] != "default" {
		t.Fatalf("origins = %v", c.Origins)
	}
	// Tenant + client id without a secret or mode is still the issue-2 error.
	env["AZURE_TENANT_ID"], env["AZURE_CLIENT_ID"] = "t", "c"
	c, err = resolveWith(t, env)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.check(); err == nil || !strings.Contains(err.Error(), "AZURE_CLIENT_SECRET") || !strings.Contains(err.Error(), "devicecode") {
		t.Fatalf("want an incomplete-credentials error naming the secret and device code, got %v", err)
	}
	// Naming device code makes tenant + client id enough.
	c, err = resolveWith(t, env, "--sign-in", "devicecode")
	if err != nil || c.check() != nil || c.Demo {
		t.Fatalf("device code with tenant and client id: %+v, %v, %v", c, err, c.check())
	}
}

func TestConfigLimitsAndReadOnlyFromProfile(t *testing.T) {
	env := configEnv(t, profilesTOML, nil)
	c, err := resolveWith(t, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.Limits.CallsPerMinute != 40 || c.Limits.SubmitPerMinute != 3 || c.Limits.CallsPerHour != 0 || c.QueueWindow != 30*time.Minute {
		t.Fatalf("limits = %+v, queue window %s", c.Limits, c.QueueWindow)
	}
	if c.ReadOnly {
		t.Fatal("prod is not read-only")
	}
	c, err = resolveWith(t, env, "--profile", "gov")
	if err != nil || !c.ReadOnly || c.Origins["read_only"] != `profile "gov"` {
		t.Fatalf("gov read-only: %v from %q (%v)", c.ReadOnly, c.Origins["read_only"], err)
	}
	// A read-only profile cannot be switched back on by a later layer.
	c, _ = resolveWith(t, env, "--profile", "gov", "--read-only=false")
	if !c.ReadOnly {
		t.Fatal("--read-only=false turned off a read-only profile")
	}
}

func TestConfigBadValuesAreClearErrors(t *testing.T) {
	cases := []struct {
		name, toml string
		args       []string
		env        map[string]string
		want       string
	}{
		{"unknown profile", profilesTOML, []string{"--profile", "nope"}, nil, `profile "nope" is not defined`},
		{"unsafe profile name", profilesTOML, []string{"--profile", "../x"}, nil, "profile name"},
		{"unknown cloud", profilesTOML, []string{"--cloud", "mars"}, nil, `unknown cloud "mars"`},
		{"unknown geo", profilesTOML, []string{"--geo", "xx"}, nil, `unknown geo "xx"`},
		{"geo outside commercial", profilesTOML, []string{"--profile", "gov", "--geo", "eu"}, nil, "commercial cloud only"},
		{"unknown sign-in", profilesTOML, nil, map[string]string{"MDLR_SIGN_IN": "password"}, `unknown sign-in mode "password" (from env MDLR_SIGN_IN)`},
		{"profile sign-in checked", "[profiles.x]\nsign_in = \"magic\"\n", nil, nil, `profile "x": sign_in "magic"`},
		{"secret in the file refused", "[profiles.x]\nclient_secret = \"hunter2\"\n", nil, nil, "secrets are never read from the file"},
		{"bad queue window", "[profiles.x]\n[profiles.x.limits]\nqueue_window = \"soon\"\n", []string{"--profile", "x"}, nil, "queue_window"},
		{"undefined default profile", "default_profile = \"ghost\"\n", nil, nil, `default_profile "ghost" is not defined`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := configEnv(t, tc.toml, tc.env)
			_, err := resolveWith(t, env, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error containing %q, got %v", tc.want, err)
			}
			if strings.Contains(tc.toml, "hunter2") && strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("the error quotes the secret: %v", err)
			}
		})
	}
}

func TestConfigFileWritableByOthersWarns(t *testing.T) {
	env := configEnv(t, profilesTOML, nil)
	if err := os.Chmod(env["MDLR_CONFIG"], 0o666); err != nil {
		t.Fatal(err)
	}
	c, err := resolveWith(t, env)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "chmod 600") {
		t.Fatalf("warnings = %v", c.Warnings)
	}
	if err := os.Chmod(env["MDLR_CONFIG"], 0o600); err != nil {
		t.Fatal(err)
	}
	if c, _ = resolveWith(t, env); len(c.Warnings) != 0 {
		t.Fatalf("a private file warned: %v", c.Warnings)
	}
}

func TestReadmeConfigExampleLoads(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Skip("README not found")
	}
	s := string(b)
	i := strings.Index(s, "```toml\n")
	if i < 0 {
		t.Fatal("README has no toml example")
	}
	block := s[i+len("```toml\n"):]
	block = block[:strings.Index(block, "```")]
	env := configEnv(t, block, nil)
	for _, p := range []string{"prod", "gov"} {
		c, err := resolveWith(t, env, "--profile", p)
		if err != nil {
			t.Fatalf("README example, profile %s: %v", p, err)
		}
		keys := keymap.Default()
		if err := keys.Apply(c.Keys); err != nil {
			t.Fatalf("README example keys, profile %s: %v", p, err)
		}
	}
}

// TestConsoleWithTenantAndClientIDSignsInAsThePerson: at the console, a new
// user who has only a tenant id and a client id signs in with a device code;
// the headless commands keep asking for a secret instead of waiting on a prompt.
func TestConsoleWithTenantAndClientIDSignsInAsThePerson(t *testing.T) {
	env := map[string]string{"AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "XDG_CONFIG_HOME": t.TempDir()}
	cf := connFlags{interactive: true}
	c, err := cf.resolve(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.SignIn != SignInDeviceCode || c.Demo {
		t.Fatalf("console sign-in = %q (demo %v), want devicecode", c.SignIn, c.Demo)
	}
	var headless connFlags
	if _, err := headless.resolve(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "devicecode") {
		t.Fatalf("headless: want the incomplete-credentials error suggesting devicecode, got %v", err)
	}
}
