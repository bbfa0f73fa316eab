package cli

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"mdlr/ui/inert"
)

// Setting is one line of `mdlr config`: a value and where it came from.
type Setting struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// redacted is shown instead of a secret's value.
const redacted = "(set, redacted)"

// EffectiveSettings lists every setting of c with its origin, secrets
// redacted. env resolves the default state directory.
func EffectiveSettings(c Connection, env Env) []Setting {
	var out []Setting
	add := func(name, value, fallback string) {
		src := c.Origins[name]
		if src == "" {
			src = fallback
		}
		out = append(out, Setting{Name: name, Value: value, Source: src})
	}
	secret := func(v string) string {
		if v == "" {
			return ""
		}
		return redacted
	}
	add("config_file", c.ConfigFile, configFileSource(c.ConfigFile, env))
	add("profile", c.Profile, "not set")
	add("demo", strconv.FormatBool(c.Demo), "default (credentials set)")
	add("sign_in", c.SignIn, "not set")
	add("tenant", c.TenantID, "not set")
	add("client_id", c.ClientID, "not set")
	add("client_secret", secret(c.ClientSecret), "not set")
	add("certificate_path", c.CertificatePath, "not set")
	add("certificate_password", secret(c.CertificatePassword), "not set")
	add("cloud", c.Cloud, "default")
	add("geo", c.Geo, "not set")
	add("authority_host", c.AuthorityHost, "default")
	add("api_url", c.APIURL, "default")
	add("scope", c.Scope, "default")
	dir, from, err := stateDirFor(c, env)
	if err != nil {
		dir, from = "", err.Error()
	}
	out = append(out, Setting{Name: "state_dir", Value: dir, Source: from})
	cache, cacheFrom := "", "--ephemeral: nothing kept"
	if !c.Ephemeral && dir != "" {
		d, _ := sessionStateDir(c, env)
		cache = TokenCachePath(d, c.CacheName())
		cacheFrom = "state_dir + profile (device code sign-in only)"
		if _, err := os.Stat(cache); err == nil {
			cacheFrom += "; present"
		}
	}
	out = append(out, Setting{Name: "token_cache", Value: cache, Source: cacheFrom})
	add("download_dir", c.DownloadDir, "default (working directory)")
	add("read_only", strconv.FormatBool(c.ReadOnly), "default")
	add("ephemeral", strconv.FormatBool(c.Ephemeral), "default")
	l := effectiveLimits(c.Limits)
	add("calls_per_minute", strconv.Itoa(l.CallsPerMinute), "default (documented)")
	add("calls_per_hour", strconv.Itoa(l.CallsPerHour), "default (documented)")
	add("submit_per_minute", strconv.Itoa(l.SubmitPerMinute), "default (documented)")
	qw := "2h0m0s"
	if c.QueueWindow > 0 {
		qw = c.QueueWindow.String()
	}
	add("queue_window", qw, "default (documented)")
	keys := make([]string, 0, len(c.Keys))
	for k := range c.Keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	add("keys", strings.Join(keys, ","), "default bindings")
	return out
}

func configFileSource(path string, env Env) string {
	if path == "" {
		return "none"
	}
	from := "default"
	if env("MDLR_CONFIG") != "" {
		from = "env MDLR_CONFIG"
	}
	if _, err := os.Stat(path); err != nil {
		return from + "; not present"
	}
	return from
}

// cmdConfig implements `mdlr config`: the effective configuration, each
// value with its origin, secrets redacted. Nothing is contacted.
func (a *App) cmdConfig(ctx context.Context, args []string) int {
	var cf connFlags
	var asJSON bool
	fs := a.flagSet("config")
	cf.register(fs)
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	if ok, code := parse(fs, args); !ok {
		return code
	}
	c, err := cf.settings(a.Env)
	if err != nil {
		fmt.Fprintf(a.Stderr, "mdlr: %s\n", inert.Text(err.Error()))
		return ExitBadInput
	}
	problem := ""
	if err := c.check(); err != nil {
		problem = err.Error()
	}
	settings := EffectiveSettings(c, a.Env)
	if asJSON {
		v := map[string]any{"settings": settings, "warnings": append([]string{}, c.Warnings...)}
		if problem != "" {
			v["problem"] = problem
		}
		return writeJSON(a, v)
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTING\tVALUE\tFROM")
	for _, s := range settings {
		v := s.Value
		if v == "" {
			v = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, inert.Text(v), inert.Text(s.Source))
	}
	_ = tw.Flush()
	for _, w := range c.Warnings {
		fmt.Fprintf(a.Stderr, "mdlr: warning: %s\n", inert.Text(w))
	}
	if problem != "" {
		fmt.Fprintf(a.Stderr, "mdlr: %s\n", inert.Text(problem))
	}
	return 0
}
