package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/oauth2"
)

// TokenCache keeps a delegated sign-in between runs. Only the refresh
// token and its access token's expiry are stored; never an access token.
type TokenCache interface {
	// Load returns the cached token (only RefreshToken and Expiry set), or
	// nil and no error when nothing is cached.
	Load() (*oauth2.Token, error)
	// Save replaces the cached token with tok's refresh token.
	Save(tok *oauth2.Token) error
	// Clear removes the cached token; clearing an empty cache is no error.
	Clear() error
}

// FileTokenCache returns a TokenCache in the file at path, written
// atomically with mode 0600 in a directory created with mode 0700.
func FileTokenCache(path string) TokenCache { return fileTokenCache{path: path} }

type fileTokenCache struct{ path string }

// cachedToken is the on-disk form.
type cachedToken struct {
	RefreshToken string    `json:"refresh_token"`
	Expiry       time.Time `json:"expiry,omitzero"`
	Saved        time.Time `json:"saved"`
}

// maxTokenCacheFile bounds the cache file read.
const maxTokenCacheFile = 64 << 10

func (c fileTokenCache) Load() (*oauth2.Token, error) {
	f, err := os.Open(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the saved sign-in %s: %w", c.path, errors.Unwrap(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxTokenCacheFile))
	if err != nil {
		return nil, fmt.Errorf("cannot read the saved sign-in %s: %w", c.path, err)
	}
	var ct cachedToken
	if json.Unmarshal(data, &ct) != nil || ct.RefreshToken == "" {
		return nil, fmt.Errorf("the saved sign-in %s is damaged: run mdlr logout and sign in again", c.path)
	}
	return &oauth2.Token{RefreshToken: ct.RefreshToken, Expiry: ct.Expiry}, nil
}

func (c fileTokenCache) Save(tok *oauth2.Token) error {
	if tok == nil || tok.RefreshToken == "" {
		return errors.New("no refresh token to save")
	}
	data, err := json.Marshal(cachedToken{RefreshToken: tok.RefreshToken, Expiry: tok.Expiry, Saved: time.Now().UTC()})
	if err != nil {
		return err
	}
	dir := filepath.Dir(c.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create the token directory: %w", errors.Unwrap(err))
	}
	tmp, err := os.CreateTemp(dir, ".token-*")
	if err != nil {
		return fmt.Errorf("cannot save the sign-in: %w", errors.Unwrap(err))
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot save the sign-in: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot save the sign-in: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot save the sign-in: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot save the sign-in: %w", err)
	}
	if err := os.Rename(tmp.Name(), c.path); err != nil {
		return fmt.Errorf("cannot save the sign-in: %w", errors.Unwrap(err))
	}
	return nil
}

func (c fileTokenCache) Clear() error {
	err := os.Remove(c.path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot remove the saved sign-in %s: %w", c.path, errors.Unwrap(err))
	}
	return nil
}
