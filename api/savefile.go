package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MaxSavedFileBytes bounds a decoded GetFile result (the console's getfile
// limit is 3 GB), guarding against decompression bombs.
const MaxSavedFileBytes = 4 << 30

// SaveFileResult downloads a GetFile result to destPath, gunzipping it when
// it is gzip. It streams into a private temp file next to destPath, fsyncs,
// then links it into place, never overwriting an existing file.
func (c *Client) SaveFileResult(ctx context.Context, actionID string, index int, destPath string) (SavedFile, error) {
	if destPath == "" {
		return SavedFile{}, errors.New("api: no destination path")
	}
	if _, err := os.Lstat(destPath); err == nil {
		return SavedFile{}, fmt.Errorf("api: %s: %w (choose another name)", destPath, fs.ErrExist)
	}
	var saved SavedFile
	err := c.withResult(ctx, actionID, index, func(body io.Reader) error {
		body, err := checkFileBody(body)
		if err != nil {
			return err
		}
		saved, err = saveStream(body, destPath)
		return err
	})
	return saved, err
}

// saveStream writes the (possibly gzip) body to destPath atomically.
func saveStream(body io.Reader, destPath string) (SavedFile, error) {
	src, err := maybeGunzip(body)
	if err != nil {
		return SavedFile{}, err
	}
	dir := filepath.Dir(destPath)
	tmp, err := os.CreateTemp(dir, saveTempPrefix+filepath.Base(destPath)+".*"+saveTempSuffix)
	if err != nil {
		return SavedFile{}, fmt.Errorf("api: creating temp file in %s: %w", dir, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(src, MaxSavedFileBytes+1))
	if err != nil {
		return SavedFile{}, fmt.Errorf("api: saving result: %w", err)
	}
	if n > MaxSavedFileBytes {
		return SavedFile{}, fmt.Errorf("api: result is larger than %d GB once decompressed", MaxSavedFileBytes>>30)
	}
	if err := tmp.Sync(); err != nil {
		return SavedFile{}, fmt.Errorf("api: saving result: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return SavedFile{}, fmt.Errorf("api: saving result: %w", err)
	}
	if err := os.Link(tmp.Name(), destPath); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return SavedFile{}, fmt.Errorf("api: %s: %w (choose another name)", destPath, fs.ErrExist)
		}
		return SavedFile{}, fmt.Errorf("api: saving result to %s: %w", destPath, err)
	}
	return SavedFile{Path: destPath, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// The temp file of a download to NAME is ".NAME.<random>.part", where
// <random> is the decimal number os.CreateTemp puts in place of "*".
const (
	saveTempPrefix = "."
	saveTempSuffix = ".part"
	// maxTempRandomDigits is the length of the largest uint32 in decimal,
	// the most os.CreateTemp puts in a name.
	maxTempRandomDigits = 10
)

// IsSaveTempName reports whether fileName is exactly the name of a temp file
// SaveFileResult creates while downloading to a file named destBase (a crash
// mid-download leaves one behind). It matches nothing else.
func IsSaveTempName(fileName, destBase string) bool {
	if destBase == "" || strings.ContainsAny(destBase, `/\`) {
		return false
	}
	rest, ok := strings.CutPrefix(fileName, saveTempPrefix+destBase+".")
	if !ok {
		return false
	}
	digits, ok := strings.CutSuffix(rest, saveTempSuffix)
	if !ok || digits == "" || len(digits) > maxTempRandomDigits {
		return false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
