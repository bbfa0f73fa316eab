package api

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
)

// Result download bounds.
const (
	// MaxScriptResultBytes bounds a RunScript result document.
	MaxScriptResultBytes = 64 << 20
	// resultAttempts bounds fresh links / restarts of one download.
	resultAttempts = 3
)

// errLinkExpired marks a result link the blob host no longer accepts.
var errLinkExpired = errors.New("result link expired")

// GetResultDownloadLink returns the short-lived (30 min) download link of a
// RunScript or GetFile command's result. 400/404 mean "not available (yet)".
func (c *Client) GetResultDownloadLink(ctx context.Context, actionID string, index int) (string, error) {
	seg, err := pathEscapeID("action", actionID)
	if err != nil {
		return "", err
	}
	if index < 0 {
		return "", fmt.Errorf("api: command index %d is negative", index)
	}
	r := &apiRequest{
		method: http.MethodGet,
		path:   "/api/machineactions/" + seg + "/GetLiveResponseResultDownloadLink(index=" + strconv.Itoa(index) + ")",
	}
	resp, err := c.do(ctx, r)
	if err != nil {
		return "", err
	}
	var v struct {
		Value string `json:"value"`
	}
	if err := decodeJSON(r, resp, &v); err != nil {
		return "", err
	}
	u, err := url.Parse(v.Value)
	if err != nil || v.Value == "" {
		return "", &DecodeError{Method: r.method, Path: r.displayPath(), Err: errors.New("no usable link in \"value\"")}
	}
	if err := checkBlobURL(u); err != nil {
		return "", err
	}
	return v.Value, nil
}

// checkBlobURL refuses result links that are not https (loopback excepted).
func checkBlobURL(u *url.URL) error {
	if u.Host == "" || u.User != nil {
		return errors.New("api: result link is not a plain absolute URL")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
	}
	return fmt.Errorf("api: refusing result link to %s over %s: only https is allowed", sanitize(u.Host, 100), sanitize(u.Scheme, 10))
}

// withResult fetches a fresh link, downloads it without credentials and
// hands the body to consume. An expired link, a network failure or a blob
// 5xx restarts with a new link, a bounded number of times.
func (c *Client) withResult(ctx context.Context, actionID string, index int, consume func(io.Reader) error) error {
	var lastErr error
	for attempt := 0; attempt < resultAttempts; attempt++ {
		if attempt > 0 && !errors.Is(lastErr, errLinkExpired) {
			if err := c.sleep(ctx, backoff(attempt-1)); err != nil {
				return err
			}
		}
		link, err := c.GetResultDownloadLink(ctx, actionID, index)
		if err != nil {
			return err
		}
		// The storage host is the judge of expiry (se= is in its clock, not
		// ours), so a fresh link is always tried.
		lastErr = c.fetchBlob(ctx, link, consume)
		if lastErr == nil || ctx.Err() != nil || !retryableBlobError(lastErr) {
			return lastErr
		}
	}
	return lastErr
}

type blobStatusError struct{ status int }

func (e *blobStatusError) Error() string {
	return fmt.Sprintf("api: result download: HTTP %d from the storage host", e.status)
}

func retryableBlobError(err error) bool {
	var se *blobStatusError
	if errors.As(err, &se) {
		return se.status >= 500
	}
	return errors.Is(err, errLinkExpired) || errors.Is(err, ErrNetwork) || errors.Is(err, errNotAFile)
}

// errNotAFile marks a 200 from the storage host whose body is an error or
// web page (a proxy's block page, a storage error document), not a result.
var errNotAFile = errors.New("the storage host sent a document, not the result")

// checkFileBody refuses a GetFile body that is not gzip (the documented
// format) and is labelled as HTML, XML or JSON: such a body is an error or
// proxy page and must never be saved as evidence. Other non-gzip bodies
// are saved as they are.
func checkFileBody(body io.Reader) (io.Reader, error) {
	nr, ok := body.(*netReader)
	if !ok {
		return body, nil
	}
	mt, _, _ := mime.ParseMediaType(nr.contentType)
	switch mt {
	case "text/html", "application/xml", "text/xml", "application/json", "application/problem+json":
	default:
		return body, nil
	}
	br := bufio.NewReader(body)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		return br, nil
	}
	return nil, fmt.Errorf("api: result download: %s body instead of the file: %w", sanitize(mt, 40), errNotAFile)
}

// fetchBlob GETs link with no Authorization header and streams the body.
func (c *Client) fetchBlob(ctx context.Context, link string, consume func(io.Reader) error) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return errors.New("api: result link is not a valid URL")
	}
	req.Header.Set("User-Agent", c.ua)
	resp, err := c.blob.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &NetworkError{Method: http.MethodGet, Path: "result link", Err: stripURL(err)}
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusForbidden:
		return fmt.Errorf("api: result download refused (HTTP 403): %w", errLinkExpired)
	case resp.StatusCode != http.StatusOK:
		return &blobStatusError{status: resp.StatusCode}
	}
	return consume(&netReader{r: resp.Body, contentType: resp.Header.Get("Content-Type")})
}

// netReader marks read failures of a response body as network errors and
// carries the response's Content-Type.
type netReader struct {
	r           io.Reader
	contentType string
}

func (n *netReader) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	if err != nil && err != io.EOF {
		err = &NetworkError{Method: http.MethodGet, Path: "result link", Err: stripURL(err)}
	}
	return k, err
}

// maybeGunzip decodes r when it starts with the gzip magic bytes 1f 8b.
func maybeGunzip(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("api: result is not valid gzip: %w", err)
		}
		return zr, nil
	}
	return br, nil
}

// FetchScriptResult downloads and parses the result of a RunScript command.
func (c *Client) FetchScriptResult(ctx context.Context, actionID string, index int) (ScriptResult, error) {
	var res ScriptResult
	err := c.withResult(ctx, actionID, index, func(body io.Reader) error {
		src, err := maybeGunzip(body)
		if err != nil {
			return err
		}
		data, err := io.ReadAll(io.LimitReader(src, MaxScriptResultBytes+1))
		if err != nil {
			return err
		}
		if len(data) > MaxScriptResultBytes {
			return fmt.Errorf("api: script result is larger than %d MB", MaxScriptResultBytes>>20)
		}
		res, err = ParseScriptResult(data)
		return err
	})
	return res, err
}
