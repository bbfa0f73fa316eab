package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

// TokenCachePath is where a profile's refresh token is kept:
// <state>/tokens/<profile>.json (mode 0600, directory 0700).
func TokenCachePath(stateDir, profile string) string {
	return filepath.Join(stateDir, "tokens", profile+".json")
}

// profileName is what a profile may be called (it names a file).
var profileName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

func checkProfileName(name string) error {
	if !profileName.MatchString(name) {
		return fmt.Errorf("profile name %q: use letters, digits, '.', '_' and '-' (up to 64, starting with a letter or digit)", name)
	}
	return nil
}

// stateDirFor is the connection's state directory: --state-dir or
// $MDLR_STATE_DIR, else $XDG_STATE_HOME/mdlr, else ~/.local/state/mdlr.
// Demo sessions use its "demo" subfolder. from names the origin.
func stateDirFor(c Connection, env Env) (dir, from string, err error) {
	if c.StateDir != "" {
		return c.StateDir, c.Origins["state_dir"], nil
	}
	if d := env("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "mdlr"), "env XDG_STATE_HOME", nil
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", "", fmt.Errorf("find the state directory: no home directory (set MDLR_STATE_DIR or --state-dir)")
	}
	return filepath.Join(home, ".local", "state", "mdlr"), "default", nil
}

// sessionStateDir is where a connection's journal and token cache live.
func sessionStateDir(c Connection, env Env) (string, error) {
	d, _, err := stateDirFor(c, env)
	if err != nil {
		return "", err
	}
	if c.Demo {
		return filepath.Join(d, "demo"), nil
	}
	return d, nil
}
