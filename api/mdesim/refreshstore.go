package mdesim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// maxRefreshTokens bounds the refresh tokens remembered (and persisted):
// every refresh grant issues a new one while the old stays valid, so the
// ones closest to expiry are forgotten first beyond this many.
const maxRefreshTokens = 256

// refreshRecord is a refresh token in the state file. Only the token's
// SHA-256 is stored, never the token.
type refreshRecord struct {
	Hash     string    `json:"sha256"`
	ClientID string    `json:"clientId"`
	UPN      string    `json:"upn"`
	Scopes   string    `json:"scopes,omitempty"`
	Expires  time.Time `json:"expires"` // on the clock (Options.Now)
}

// refreshTokenKey is how a refresh token is looked up (in memory and in the
// state file): the hex SHA-256 of the token.
func refreshTokenKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// normalizeScopes returns the space-separated scopes sorted and without
// duplicates.
func normalizeScopes(scope string) string {
	fields := strings.Fields(scope)
	slices.Sort(fields)
	return strings.Join(slices.Compact(fields), " ")
}

// rememberRefreshLocked records a refresh grant under key, forgetting the
// soonest-expiring grants beyond maxRefreshTokens. s.mu must be held.
func (s *Sim) rememberRefreshLocked(key string, ri *refreshInfo) {
	s.refresh[key] = ri
	for len(s.refresh) > maxRefreshTokens {
		oldest := ""
		for k, r := range s.refresh {
			if oldest == "" || r.expires.Before(s.refresh[oldest].expires) {
				oldest = k
			}
		}
		delete(s.refresh, oldest)
	}
}

// refreshRecordsLocked lists the refresh grants for the state file, sorted
// by hash so that equal state writes equal files. s.mu must be held.
func (s *Sim) refreshRecordsLocked() []refreshRecord {
	out := make([]refreshRecord, 0, len(s.refresh))
	for key, ri := range s.refresh {
		out = append(out, refreshRecord{Hash: key, ClientID: ri.clientID, UPN: ri.upn, Scopes: ri.scopes, Expires: ri.expires})
	}
	slices.SortFunc(out, func(a, b refreshRecord) int { return strings.Compare(a.Hash, b.Hash) })
	return out
}

// restoreRefresh validates persisted refresh grants and converts them.
func restoreRefresh(records []refreshRecord) (map[string]*refreshInfo, error) {
	if len(records) > maxRefreshTokens {
		return nil, fmt.Errorf("%d refresh tokens, at most %d", len(records), maxRefreshTokens)
	}
	out := make(map[string]*refreshInfo, len(records))
	for i, r := range records {
		if b, err := hex.DecodeString(r.Hash); err != nil || len(b) != sha256.Size || r.Hash != strings.ToLower(r.Hash) {
			return nil, fmt.Errorf("refresh token %d: invalid hash", i)
		}
		if r.ClientID == "" || r.UPN == "" {
			return nil, fmt.Errorf("refresh token %d: missing client id or user", i)
		}
		if out[r.Hash] != nil {
			return nil, fmt.Errorf("refresh token %d: duplicate", i)
		}
		out[r.Hash] = &refreshInfo{clientID: r.ClientID, upn: r.UPN, scopes: normalizeScopes(r.Scopes), expires: r.Expires.UTC()}
	}
	return out, nil
}
