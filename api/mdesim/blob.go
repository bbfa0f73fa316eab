package mdesim

import (
	"compress/gzip"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// blob is a minted result link.
type blob struct {
	action  *action
	index   int
	sig     string
	expires time.Time
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// mintBlob stores a result link for command idx of a and returns its URL,
// rooted at the host the request came in on.
func (s *Sim) mintBlob(r *http.Request, a *action, idx int, expires time.Time) string {
	name, sig := randomHex(16), randomHex(24)
	s.mu.Lock()
	cutoff := s.now().Add(-2 * s.Scaled(s.opts.LinkLifetime))
	for k, b := range s.blobs {
		if b.expires.Before(cutoff) {
			delete(s.blobs, k)
		}
	}
	s.blobs[name] = &blob{action: a, index: idx, sig: sig, expires: expires}
	s.mu.Unlock()
	s.persist()
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	q := url.Values{}
	q.Set("se", expires.UTC().Format(time.RFC3339))
	q.Set("sp", "r")
	q.Set("sv", "2019-07-07")
	q.Set("sr", "b")
	q.Set("sig", sig)
	return scheme + "://" + r.Host + "/blob/" + name + "?" + q.Encode()
}

// writeStorageError writes an Azure Storage style XML error.
func writeStorageError(w http.ResponseWriter, status int, code, msg string) {
	body := `<?xml version="1.0" encoding="utf-8"?><Error><Code>` + code + `</Code><Message>` + msg +
		"\nRequestId:" + randomGUID() + "\nTime:" + time.Now().UTC().Format(timeLayout) + `</Message></Error>`
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("x-ms-error-code", code)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// handleBlob serves a result file for a valid, unexpired SAS link. Requests
// carrying an Authorization header are refused, as a real SAS URL refuses
// a bearer token meant for the API.
func (s *Sim) handleBlob(w http.ResponseWriter, r *http.Request, name string) {
	if r.Method != http.MethodGet {
		writeStorageError(w, http.StatusMethodNotAllowed, "UnsupportedHttpVerb", "The resource doesn't support specified Http Verb.")
		return
	}
	if r.Header.Get("Authorization") != "" {
		writeStorageError(w, http.StatusForbidden, "AuthenticationFailed",
			"Server failed to authenticate the request. An Authorization header must not be sent with a SAS URL.")
		return
	}
	s.mu.Lock()
	b := s.blobs[name]
	now := s.now()
	s.mu.Unlock()
	if b == nil {
		writeStorageError(w, http.StatusNotFound, "BlobNotFound", "The specified blob does not exist.")
		return
	}
	q := r.URL.Query()
	if q.Get("sig") != b.sig || q.Get("sp") != "r" || q.Get("se") != b.expires.UTC().Format(time.RFC3339) {
		writeStorageError(w, http.StatusForbidden, "AuthenticationFailed",
			"Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.")
		return
	}
	if !now.Before(b.expires) {
		writeStorageError(w, http.StatusForbidden, "AuthenticationFailed",
			"Server failed to authenticate the request. Signed expiry time ["+b.expires.UTC().Format(http.TimeFormat)+
				"] must be after current time ["+now.Format(http.TimeFormat)+"]")
		return
	}
	c := b.action.commands[b.index]
	if c.typ == typeRunScript {
		body := scriptResultJSON(b.action, b.index)
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Header().Set("x-ms-blob-type", "BlockBlob")
		_, _ = w.Write(body)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("x-ms-blob-type", "BlockBlob")
	gz, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	_ = writeFileContent(gz, c.param(keyPath))
	_ = gz.Close()
}
