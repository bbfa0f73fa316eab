package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/BurntSushi/toml"
)

// FileConfig is the optional configuration file
// ($XDG_CONFIG_HOME/mdlr/config.toml, or $MDLR_CONFIG).
type FileConfig struct {
	// Keys remaps key bindings: "devices.filter" = ["/", "ctrl+f"].
	Keys map[string][]string `toml:"keys"`
	// DownloadDir is where the console saves collected files.
	DownloadDir string `toml:"download_dir"`
	// ReadOnly forbids submit, cancel, upload and delete.
	ReadOnly bool `toml:"read_only"`
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
	var fc FileConfig
	path := configPath(env)
	if path == "" {
		return fc, "", nil
	}
	md, err := toml.DecodeFile(path, &fc)
	if errors.Is(err, fs.ErrNotExist) {
		return FileConfig{}, path, nil
	}
	if err != nil {
		return fc, path, fmt.Errorf("config file %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return fc, path, fmt.Errorf("config file %s: unknown setting %q", path, und[0].String())
	}
	return fc, path, nil
}
