package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLocalNameLen bounds the length (in bytes) of a local file name derived
// from a device path.
const MaxLocalNameLen = 120

// windowsReserved are device names Windows refuses as file names, with or
// without an extension.
var windowsReserved = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true,
	"COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true,
	"LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
}

// SafeLocalName derives a local file name from an untrusted device path: the
// last path element (either separator), with no drive letter, no "." or
// "..", control and shell-hostile characters replaced, Windows reserved names
// prefixed, and at most MaxLocalNameLen bytes. It never returns "".
func SafeLocalName(devicePath string) string {
	p := strings.ReplaceAll(devicePath, `\`, "/")
	if i := strings.LastIndex(p, "/"); i >= 0 {
		p = p[i+1:]
	} else if len(p) >= 2 && isASCIILetter(p[0]) && p[1] == ':' { // "C:name" drive-relative
		p = p[2:]
	}
	var b strings.Builder
	for _, r := range p {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), strings.ContainsRune(`<>:"/\|?*`, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	name := strings.Trim(b.String(), " .")
	if name == "" {
		name = "file"
	}
	stem, _, _ := strings.Cut(name, ".")
	if windowsReserved[strings.ToUpper(strings.TrimSpace(stem))] {
		name = "_" + name
	}
	return strings.TrimRight(truncateName(name, MaxLocalNameLen), " .")
}

// truncateName shortens name to max bytes on a rune boundary, keeping a short
// extension when there is one.
func truncateName(name string, max int) string {
	if len(name) <= max {
		return name
	}
	ext := filepath.Ext(name)
	if len(ext) > 16 || len(ext) >= max/2 {
		ext = ""
	}
	stem := strings.TrimSuffix(name, ext)
	limit := max - len(ext)
	for len(stem) > limit {
		_, size := utf8.DecodeLastRuneInString(stem)
		stem = stem[:len(stem)-size]
	}
	return stem + ext
}

// maxNameCandidates bounds the numeric suffixes tried for one file.
const maxNameCandidates = 1000

// candidatePath is the n-th local path for name in dir: name itself for
// n <= 1, else name with " (n)" before the extension. It never leaves dir.
func candidatePath(dir, name string, n int) (string, error) {
	name = SafeLocalName(name)
	if n > 1 {
		ext := filepath.Ext(name)
		suffix := fmt.Sprintf(" (%d)", n)
		name = truncateName(strings.TrimSuffix(name, ext), MaxLocalNameLen-len(suffix)-len(ext)) + suffix + ext
	}
	path := filepath.Join(dir, name)
	if filepath.Dir(path) != filepath.Clean(dir) {
		return "", fmt.Errorf("refusing local name %q: it leaves %s", name, dir)
	}
	return path, nil
}

// freeLocalPath returns the first candidate path, from the n-th on, that does
// not exist yet, and its number. The writer must still refuse to overwrite
// (another process may take the name meanwhile).
func freeLocalPath(dir, name string, from int) (string, int, error) {
	for n := max(from, 1); n <= maxNameCandidates; n++ {
		path, err := candidatePath(dir, name, n)
		if err != nil {
			return "", 0, err
		}
		_, err = os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, n, nil
		}
		if err != nil {
			return "", 0, fmt.Errorf("check %s: %w", path, err)
		}
	}
	return "", 0, fmt.Errorf("no free file name for %q in %s", name, dir)
}
