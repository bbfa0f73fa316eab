package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mdlr/keymap"
)

// FuzzLoadFileConfig feeds arbitrary bytes to the configuration file
// parser: it must return a configuration or an error naming the file, never
// panic, and a configuration it accepts must be safe to apply to the keys.
func FuzzLoadFileConfig(f *testing.F) {
	for _, seed := range []string{
		"",
		"read_only = true\ndownload_dir = \"/tmp/evidence\"\n",
		"[keys]\n\"devices.filter\" = [\"/\", \"ctrl+f\"]\n",
		"[keys]\n\"devices.filter\" = []\n",
		"[keys]\n\"no.such.key\" = [\"x\"]\n",
		"unknown_setting = 1\n",
		"read_only = \"yes\"\n",
		"download_dir = \"\x1b]0;pwned\x07\"\n",
		"[keys\n",
		"a = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
		"\xff\xfe[keys]\n",
		"download_dir = '''\nmulti\nline'''\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "config.toml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		env := func(k string) string {
			if k == "MDLR_CONFIG" {
				return path
			}
			return ""
		}
		fc, got, err := loadFileConfig(env)
		if got != path {
			t.Fatalf("config path = %q, want %q", got, path)
		}
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		keys := keymap.Default()
		_ = keys.Apply(fc.Keys) // may refuse, must not panic
	})
}
