package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/BurntSushi/toml"
)

// FileConfig is the optional configuration file
// ($XDG_CONFIG_HOME/mdlr/config.toml, or $MDLR_CONFIG). It never holds a
// secret: client secrets and certificate passwords come from the environment.
type FileConfig struct {
	// Keys remaps key bindings: "devices.filter" = ["/", "ctrl+f"].
	Keys map[string][]string `toml:"keys"`
	// DownloadDir is where collected files are saved (one folder per action).
	DownloadDir string `toml:"download_dir"`
	// ReadOnly forbids submit, cancel, upload and delete.
	ReadOnly bool `toml:"read_only"`
	// DefaultProfile is used when neither --profile nor MDLR_PROFILE names one.
	DefaultProfile string `toml:"default_profile"`
	// Profiles are named tenants/sign-ins: [profiles.NAME].
	Profiles map[string]Profile `toml:"profiles"`
}

// Profile is one named way to reach a tenant. Empty values fall back to
// the cloud preset and the defaults; flags and environment override them.
type Profile struct {
	Tenant          string              `toml:"tenant"`
	ClientID        string              `toml:"client_id"`
	SignIn          string              `toml:"sign_in"` // secret | certificate | devicecode | azcli
	Cloud           string              `toml:"cloud"`   // commercial | gcc | gcchigh | dod
	Geo             string              `toml:"geo"`     // us | eu | uk | au | swa | ina | aea
	AuthorityHost   string              `toml:"authority_host"`
	APIURL          string              `toml:"api_url"`
	Scope           string              `toml:"scope"`
	CertificatePath string              `toml:"certificate_path"`
	DownloadDir     string              `toml:"download_dir"`
	ReadOnly        *bool               `toml:"read_only"`
	Limits          ProfileLimits       `toml:"limits"`
	Keys            map[string][]string `toml:"keys"`
}

// ProfileLimits override the documented API budgets and the engine's
// offline queue window (a Go duration such as "2h").
type ProfileLimits struct {
	CallsPerMinute  int    `toml:"calls_per_minute"`
	CallsPerHour    int    `toml:"calls_per_hour"`
	SubmitPerMinute int    `toml:"submit_per_minute"`
	QueueWindow     string `toml:"queue_window"`
}

// ProfileNames returns the configured profile names, sorted.
func (fc FileConfig) ProfileNames() []string {
	names := make([]string, 0, len(fc.Profiles))
	for n := range fc.Profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// configPath returns the configuration file's path.
func configPath(env Env) string {
	if p := env("MDLR_CONFIG"); p != "" {
		return p
	}
	dir := env("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "mdlr", "config.toml")
}

// loadFileConfig reads the configuration file; a missing file is an empty
// configuration, a malformed one an error naming the file and the line.
func loadFileConfig(env Env) (FileConfig, string, error) {
	fc, path, _, err := loadFileConfigWarn(env)
	return fc, path, err
}

// loadFileConfigWarn is loadFileConfig that also returns warnings (a file
// others may write to: anyone who can edit it can redirect sign-in).
func loadFileConfigWarn(env Env) (FileConfig, string, []string, error) {
	var fc FileConfig
	path := configPath(env)
	if path == "" {
		return fc, "", nil, nil
	}
	md, err := toml.DecodeFile(path, &fc)
	if errors.Is(err, fs.ErrNotExist) {
		return FileConfig{}, path, nil, nil
	}
	if err != nil {
		return fc, path, nil, fmt.Errorf("config file %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return fc, path, nil, fmt.Errorf("config file %s: unknown setting %q (secrets are never read from the file: use AZURE_CLIENT_SECRET, MDLR_CLIENT_SECRET_FILE or AZURE_CLIENT_CERTIFICATE_PASSWORD)", path, und[0].String())
	}
	for name, p := range fc.Profiles {
		if err := p.check(); err != nil {
			return fc, path, nil, fmt.Errorf("config file %s: profile %q: %w", path, name, err)
		}
	}
	if fc.DefaultProfile != "" {
		if _, ok := fc.Profiles[fc.DefaultProfile]; !ok {
			return fc, path, nil, fmt.Errorf("config file %s: default_profile %q is not defined (profiles: %v)", path, fc.DefaultProfile, fc.ProfileNames())
		}
	}
	var warns []string
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o022 != 0 {
		warns = append(warns, fmt.Sprintf("config file %s can be changed by group or others (mode %v): run chmod 600 %s", path, st.Mode().Perm(), path))
	}
	return fc, path, warns, nil
}

// check reports profile values that can never work.
func (p Profile) check() error {
	if p.SignIn != "" && !validSignIn(p.SignIn) {
		return fmt.Errorf("sign_in %q: use one of %v", p.SignIn, SignInModes)
	}
	l := p.Limits
	if l.CallsPerMinute < 0 || l.CallsPerHour < 0 || l.SubmitPerMinute < 0 {
		return errors.New("limits must not be negative")
	}
	return nil
}
