package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"mdlr/api"
)

// removeStaleDownloads deletes the temp files that an interrupted download
// of name (a process killed mid-stream) left in dir, so the folder holds only
// evidence. It removes only regular files (never symlinks, never following
// one) whose name is exactly the temp name api.SaveFileResult uses for one of
// name's candidate paths in dir; anything else is left alone. It returns the
// paths removed.
//
// A second process downloading the same result into the same folder at the
// same moment would lose its temp file; its save then fails and is retried.
func removeStaleDownloads(dir, name string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list download folder: %w", err)
	}
	var removed []string
	var errs []error
	for _, d := range entries {
		if !d.Type().IsRegular() || !isStaleDownloadOf(dir, name, d.Name()) {
			continue
		}
		path := filepath.Join(dir, d.Name())
		// Check again right before removing: os.Remove never follows a
		// symlink, but nothing but a plain file is ours to delete.
		if fi, err := os.Lstat(path); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if err := os.Remove(path); err != nil {
			errs = append(errs, fmt.Errorf("remove stale download %s: %w", path, err))
			continue
		}
		removed = append(removed, path)
	}
	return removed, errors.Join(errs...)
}

// isStaleDownloadOf reports whether fileName is the temp name of a download
// to one of name's candidate paths in dir.
func isStaleDownloadOf(dir, name, fileName string) bool {
	rest, ok := strings.CutPrefix(fileName, ".")
	if !ok {
		return false
	}
	rest, ok = strings.CutSuffix(rest, ".part")
	if !ok {
		return false
	}
	i := strings.LastIndexByte(rest, '.')
	if i <= 0 {
		return false
	}
	base := rest[:i]
	return api.IsSaveTempName(fileName, base) && isCandidateName(dir, name, base)
}

// isCandidateName reports whether base is the file name of the n-th
// candidate path of name in dir for some n.
func isCandidateName(dir, name, base string) bool {
	first, err := candidatePath(dir, name, 1)
	if err != nil {
		return false
	}
	if filepath.Base(first) == base {
		return true
	}
	// "stem (n).ext": find n, then compare with that candidate exactly.
	s := strings.TrimSuffix(base, filepath.Ext(filepath.Base(first)))
	open := strings.LastIndex(s, " (")
	if open < 0 || !strings.HasSuffix(s, ")") {
		return false
	}
	n, err := strconv.Atoi(s[open+2 : len(s)-1])
	if err != nil || n < 2 || n > maxNameCandidates {
		return false
	}
	nth, err := candidatePath(dir, name, n)
	return err == nil && filepath.Base(nth) == base
}
