package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Client talks to the Defender for Endpoint API. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	http    *http.Client
	blob    *http.Client
	tokens  *tokenCache
	limiter *limiter
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
	retries int
	ua      string
	// tokenHTTP is the sign-in client of New (nil with NewWithTokenSource).
	tokenHTTP *http.Client
}

var _ Service = (*Client)(nil)

// Retry policy of idempotent requests.
const (
	defaultMaxRetries = 5
	backoffBase       = time.Second
	backoffCap        = 30 * time.Second
	maxResponseBytes  = 256 << 20 // an API JSON response (10,000 machines fit easily)
)

// New builds a client that signs in with client credentials (app + secret).
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.ClientID) == "" {
		return nil, errors.New("api: client ID is required")
	}
	if cfg.ClientSecret == "" {
		return nil, errors.New("api: client secret is required")
	}
	if _, err := checkEndpoint("token URL", cfg.TokenURL); err != nil {
		return nil, err
	}
	if cfg.Scope == "" {
		cfg.Scope = DefaultScope
	}
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	c.tokenHTTP = tokenHTTPClient(cfg.HTTPClient)
	c.tokens = &tokenCache{fresh: clientCredentialsSource(cfg, c.tokenHTTP), now: c.now}
	return c, nil
}

// NewWithTokenSource builds a client that takes bearer tokens from ts
// (device code, certificate or any other sign-in mode). TokenURL and the
// client credentials in cfg are ignored.
func NewWithTokenSource(cfg Config, ts oauth2.TokenSource) (*Client, error) {
	if ts == nil {
		return nil, errors.New("api: token source is required")
	}
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	c.tokens = &tokenCache{fresh: func() oauth2.TokenSource { return ts }, now: c.now}
	return c, nil
}

func newClient(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultAPIURL
	}
	base, err := checkEndpoint("API base URL", cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	base.Path = strings.TrimRight(base.Path, "/")
	base.RawQuery, base.Fragment = "", ""
	c := &Client{base: base, now: cfg.Now, sleep: cfg.Sleep, retries: cfg.MaxRetries, ua: cfg.UserAgent}
	if c.retries <= 0 {
		c.retries = defaultMaxRetries
	}
	if c.ua == "" {
		c.ua = "mdlr"
	}
	if c.sleep == nil {
		c.sleep = SleepContext
	}
	if cfg.Now == nil {
		c.now = time.Now
	}
	if cfg.Now == nil && cfg.Sleep == nil {
		c.limiter = sharedLimiter(base.Host, cfg.Limits)
	} else {
		c.limiter = newLimiter(cfg.Limits, c.now)
	}
	c.http = apiHTTPClient(cfg.HTTPClient, base.Host)
	c.blob = blobHTTPClient(cfg.BlobClient)
	return c, nil
}

// checkEndpoint parses an endpoint URL and refuses plain http except to loopback.
func checkEndpoint(what, raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("api: %s %q is not an absolute URL", what, raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("api: %s must not contain credentials", what)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("api: %s %s uses plain http: only https is allowed except for loopback test servers", what, u.Host)
		}
	default:
		return nil, fmt.Errorf("api: %s must use https, not %q", what, u.Scheme)
	}
	return u, nil
}

// isLoopback reports localhost, 127.0.0.0/8 and ::1.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = 90 * time.Second
	t.TLSHandshakeTimeout = 15 * time.Second
	return t
}

// tokenHTTPClient is the client for the token endpoint: base, or a default
// client with TLS verification and timeouts.
func tokenHTTPClient(base *http.Client) *http.Client {
	if base != nil {
		return base
	}
	return &http.Client{Transport: defaultTransport(), Timeout: 60 * time.Second}
}

// apiHTTPClient copies base and refuses redirects that leave the API host,
// so the bearer token only ever goes to that host.
func apiHTTPClient(base *http.Client, host string) *http.Client {
	return withRedirectCheck(base, func(req *http.Request) error {
		if req.URL.Host != host {
			return fmt.Errorf("refusing redirect away from the API host to %s", req.URL.Host)
		}
		return nil
	})
}

// blobHTTPClient copies base and refuses redirects to plain http hosts;
// a redirect never carries an Authorization header.
func blobHTTPClient(base *http.Client) *http.Client {
	return withRedirectCheck(base, func(req *http.Request) error {
		if err := checkBlobURL(req.URL); err != nil {
			return err
		}
		req.Header.Del("Authorization")
		return nil
	})
}

// withRedirectCheck copies base (or a default client) with a redirect
// policy: at most 5 hops, each approved by check.
func withRedirectCheck(base *http.Client, check func(*http.Request) error) *http.Client {
	var hc http.Client
	if base != nil {
		hc = *base
	} else {
		hc.Transport = defaultTransport()
	}
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("too many redirects")
		}
		return check(req)
	}
	return &hc
}

// SleepContext waits for d or until ctx ends, whichever comes first, and
// returns ctx.Err() in the second case.
func SleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Budget reports the remaining request budget.
func (c *Client) Budget() Budget { return c.limiter.budget() }

// apiRequest is one API call. body, when set, must return a fresh reader
// on each call (or an error if the body cannot be replayed).
type apiRequest struct {
	method      string
	path        string // escaped path below the base, starting with /api/
	query       url.Values
	body        func() (io.Reader, error)
	contentType string
	length      int64 // body length when known (0: unknown)
	submit      bool  // counts against the runliveresponse budget
}

// apiResponse is a completed API call with a 2xx status.
type apiResponse struct {
	status int
	header http.Header
	body   []byte
}

// displayPath is the unescaped path used in errors (never the query).
func (r *apiRequest) displayPath() string {
	if p, err := url.PathUnescape(r.path); err == nil {
		return p
	}
	return r.path
}

// send performs one call: budget, token, request, and one retry with a
// fresh token after a 401. Non-2xx statuses come back as *Error.
func (c *Client) send(ctx context.Context, r *apiRequest) (*apiResponse, error) {
	if err := c.limiter.acquire(ctx, r.submit, c.sleep); err != nil {
		return nil, err
	}
	resp, err := c.sendOnce(ctx, r, false)
	var ae *Error
	if errors.As(err, &ae) && ae.StatusCode == http.StatusUnauthorized {
		if err := c.limiter.acquire(ctx, r.submit, c.sleep); err != nil {
			return nil, err
		}
		resp, err = c.sendOnce(ctx, r, true)
	}
	if errors.As(err, &ae) && ae.StatusCode == http.StatusTooManyRequests {
		c.limiter.pause(ae.RetryAfter)
	}
	return resp, err
}

func (c *Client) sendOnce(ctx context.Context, r *apiRequest, retried bool) (*apiResponse, error) {
	u, err := url.Parse(c.base.String() + r.path)
	if err != nil || u.Host != c.base.Host {
		return nil, fmt.Errorf("api: bad request path %q", r.displayPath())
	}
	if len(r.query) > 0 {
		u.RawQuery = encodeQuery(r.query)
	}
	tok, err := c.tokens.token()
	if err != nil {
		return nil, err
	}
	var body io.Reader
	if r.body != nil {
		if body, err = r.body(); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		if rc, ok := body.(io.Closer); ok {
			rc.Close()
		}
		return nil, fmt.Errorf("api: %s %s: %w", r.method, r.displayPath(), err)
	}
	if r.length > 0 {
		req.ContentLength = r.length
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.ua)
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &NetworkError{Method: r.method, Path: r.displayPath(), Err: stripURL(err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &NetworkError{Method: r.method, Path: r.displayPath(), Err: stripURL(err)}
	}
	if len(data) > maxResponseBytes {
		return nil, fmt.Errorf("api: %s %s: response larger than %d MB", r.method, r.displayPath(), maxResponseBytes>>20)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if resp.StatusCode == http.StatusUnauthorized && !retried {
			c.tokens.invalidate(tok)
		}
		return nil, parseAPIError(r.method, r.displayPath(), resp.StatusCode, resp.Header, data, c.now())
	}
	return &apiResponse{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// encodeQuery encodes OData options keeping "$" readable; spaces become %20.
func encodeQuery(q url.Values) string {
	s := q.Encode()
	s = strings.ReplaceAll(s, "%24", "$")
	return strings.ReplaceAll(s, "+", "%20")
}

// do sends r, retrying idempotent methods on 429, 5xx and network errors
// with capped exponential backoff; POSTs are retried only on 429.
func (c *Client) do(ctx context.Context, r *apiRequest) (*apiResponse, error) {
	idempotent := r.method == http.MethodGet || r.method == http.MethodDelete
	for attempt := 0; ; attempt++ {
		resp, err := c.send(ctx, r)
		if err == nil || attempt >= c.retries || ctx.Err() != nil {
			return resp, err
		}
		var ae *Error
		switch {
		case errors.As(err, &ae) && ae.StatusCode == http.StatusTooManyRequests:
			if ae.RetryAfter <= 0 { // else the limiter already pauses every caller
				if err := c.sleep(ctx, backoff(attempt)); err != nil {
					return nil, err
				}
			}
		case idempotent && (errors.As(err, &ae) && ae.StatusCode >= 500 || errors.Is(err, ErrNetwork)):
			if err := c.sleep(ctx, backoff(attempt)); err != nil {
				return nil, err
			}
		default:
			return nil, err
		}
	}
}

// backoff is a capped exponential delay with jitter in [d/2, d].
func backoff(attempt int) time.Duration {
	d := backoffBase << min(attempt, 10)
	d = min(d, backoffCap)
	return d/2 + rand.N(d/2+1)
}

// stripURL drops the URL from a *url.Error: result links carry a signature.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// pathEscapeID escapes one path segment, refusing empty and dot segments.
func pathEscapeID(what, id string) (string, error) {
	id = strings.TrimSpace(id)
	if id == "" || id == "." || id == ".." {
		return "", fmt.Errorf("api: %s %q is not valid", what, id)
	}
	return url.PathEscape(id), nil
}
