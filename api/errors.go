package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Error is an error response of the Defender API
// ({"error":{"code","message","target"}} plus the HTTP status).
type Error struct {
	StatusCode int
	Code       string // e.g. ActiveRequestAlreadyExists, ResourceNotFound
	Message    string // free text from the service (sanitised)
	Target     string // per-request correlation ID to quote to support
	RetryAfter time.Duration
	Method     string
	Path       string // request path without query
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %d", e.Method, e.Path, e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Target != "" {
		b.WriteString(" (correlation " + e.Target + ")")
	}
	return b.String()
}

// ErrNetwork classifies connection failures (refused, reset, timeout, DNS).
var ErrNetwork = errors.New("network error")

// ErrOutcomeUnknown marks a submission whose result could not be established:
// an action may or may not have been created on the device.
var ErrOutcomeUnknown = errors.New("submission outcome unknown")

// NetworkError is a transport failure of one request. It never carries the
// full URL, so result-link signatures cannot leak through it.
type NetworkError struct {
	Method, Path string
	Err          error
}

// Error implements error.
func (e *NetworkError) Error() string {
	return fmt.Sprintf("%s %s: network error: %v", e.Method, e.Path, e.Err)
}

// Unwrap returns the underlying transport error.
func (e *NetworkError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNetwork) true.
func (e *NetworkError) Is(target error) bool { return target == ErrNetwork }

// DecodeError reports a response body that is not the JSON the endpoint documents.
type DecodeError struct {
	Method, Path string
	Err          error
}

// Error implements error.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s %s: unexpected response body: %v", e.Method, e.Path, e.Err)
}

// Unwrap returns the JSON error.
func (e *DecodeError) Unwrap() error { return e.Err }

// AuthError is a failed token request, with Entra's AADSTS code and a fix.
type AuthError struct {
	Code        string // e.g. AADSTS7000215 (empty when unknown)
	OAuthError  string // RFC 6749 error, e.g. invalid_client
	Fix         string // one sentence telling the user what to do
	Description string // Entra's description, sanitised and shortened
}

// Error implements error.
func (e *AuthError) Error() string {
	s := "sign-in failed"
	if e.Code != "" {
		s += " (" + e.Code + ")"
	} else if e.OAuthError != "" {
		s += " (" + e.OAuthError + ")"
	}
	if e.Fix != "" {
		s += ": " + e.Fix
	} else if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// parseAPIError builds an *Error from a non-2xx response.
func parseAPIError(method, path string, status int, hdr http.Header, body []byte, now time.Time) *Error {
	e := &Error{StatusCode: status, Method: method, Path: path}
	var env struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Target  string `json:"target"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &env) == nil {
		e.Code = sanitize(env.Error.Code, 80)
		e.Message = sanitize(env.Error.Message, 300)
		e.Target = sanitize(env.Error.Target, 80)
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	e.RetryAfter = parseRetryAfter(hdr.Get("Retry-After"), now)
	return e
}

// maxRetryAfter caps a server-requested pause.
const maxRetryAfter = 15 * time.Minute

// parseRetryAfter reads a Retry-After header: delta seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	if d < 0 {
		return 0
	}
	return min(d, maxRetryAfter)
}

// sanitize removes control characters from untrusted text and bounds its length.
func sanitize(s string, maxRunes int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r == '\uFFFD' || r < 0x20 && r != '\t' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			if r == '\n' || r == '\r' {
				b.WriteRune(' ')
				n++
			}
			continue
		}
		if n >= maxRunes {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}

func asAPIError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// IsThrottled reports a 429 TooManyRequests.
func IsThrottled(err error) bool {
	e := asAPIError(err)
	return e != nil && (e.StatusCode == http.StatusTooManyRequests || e.Code == "TooManyRequests")
}

// IsActiveRequestExists reports that the device already runs another action.
func IsActiveRequestExists(err error) bool {
	e := asAPIError(err)
	return e != nil && e.Code == "ActiveRequestAlreadyExists"
}

// IsNotFound reports a 404 (unknown machine, action or library file).
func IsNotFound(err error) bool {
	e := asAPIError(err)
	return e != nil && e.StatusCode == http.StatusNotFound
}

// IsForbidden reports a 403 (missing permission, wrong audience, disabled feature).
func IsForbidden(err error) bool {
	e := asAPIError(err)
	return e != nil && e.StatusCode == http.StatusForbidden
}

// IsResultNotReady reports that a result link is not available (yet): the
// API answers 400 or 404 until the command has completed.
func IsResultNotReady(err error) bool {
	e := asAPIError(err)
	return e != nil && (e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusNotFound) &&
		strings.Contains(strings.ToLower(e.Path), "getliveresponseresultdownloadlink")
}

// RetryAfter returns the server-requested wait carried by err, or 0.
func RetryAfter(err error) time.Duration {
	if e := asAPIError(err); e != nil {
		return e.RetryAfter
	}
	return 0
}

// MissingPermission names the application permission the failed endpoint
// needs when err is a 403, or "" otherwise.
func MissingPermission(err error) string {
	e := asAPIError(err)
	if e == nil || e.StatusCode != http.StatusForbidden {
		return ""
	}
	return permissionFor(e.Path)
}

// permissionFor maps an API path to the permission it needs (mde-api.md §1.6).
func permissionFor(path string) string {
	p := strings.ToLower(path)
	switch {
	case strings.Contains(p, "getliveresponseresultdownloadlink"):
		return "Machine.ReadWrite.All (older docs: Machine.Read.All)"
	case strings.HasSuffix(p, "/runliveresponse"):
		return "Machine.LiveResponse"
	case strings.HasPrefix(p, "/api/machineactions/") && strings.HasSuffix(p, "/cancel"):
		return "Machine.LiveResponse"
	case strings.HasPrefix(p, "/api/libraryfiles"):
		return "Library.Manage"
	case strings.HasPrefix(p, "/api/machines"), strings.HasPrefix(p, "/api/machineactions"):
		return "Machine.Read.All"
	}
	return ""
}

// Describe turns err into one plain-words sentence for a user.
func Describe(err error) string {
	if err == nil {
		return ""
	}
	var ae *AuthError
	if errors.As(err, &ae) {
		return ae.Error()
	}
	if errors.Is(err, ErrOutcomeUnknown) {
		return "the submission may or may not have reached Defender: check the device's actions before submitting again"
	}
	if e := asAPIError(err); e != nil {
		return describeAPIError(e)
	}
	if errors.Is(err, errLinkExpired) {
		return "the result download link kept expiring: check the system clock, then retry"
	}
	var de *DecodeError
	if errors.As(err, &de) {
		return "Defender sent a response that could not be read (" + de.Path + "): try again later"
	}
	if errors.Is(err, ErrNetwork) {
		return "cannot reach Defender: check the network connection or proxy"
	}
	return err.Error()
}

// audienceHint notes the other common cause of a 403 (mde-api.md §1.1).
const audienceHint = " (if it is granted, the token may be for the wrong audience: the scope must name the Defender API, " + DefaultScope + " in the commercial cloud)"

func describeAPIError(e *Error) string {
	if IsResultNotReady(e) {
		return "the result is not available (yet) for this command"
	}
	switch e.Code {
	case "ActiveRequestAlreadyExists":
		return "the device is busy with another live response action: wait for it or cancel it"
	case "OsPlatformNotSupported":
		return "live response is not supported on this device's operating system"
	case "ClientVersionNotSupported":
		return "the Defender agent on this device is too old for live response"
	case "DisabledFeature":
		return "live response is switched off for this tenant: enable it in Settings → Endpoints → Advanced features"
	case "InvalidRequestBody", "MissingRequiredParameter":
		return "Defender rejected the request as malformed: " + e.Message
	case "ODataError":
		return "Defender rejected the search filter: " + e.Message
	}
	switch e.StatusCode {
	case http.StatusUnauthorized:
		return "Defender refused the sign-in token: check the tenant, app and secret"
	case http.StatusForbidden:
		if p := permissionFor(e.Path); p != "" {
			return "permission denied: the app needs the WindowsDefenderATP permission " + p + " with admin consent" + audienceHint
		}
		return "permission denied: check the app's WindowsDefenderATP permissions and admin consent" + audienceHint
	case http.StatusNotFound:
		return describeNotFound(e.Path)
	case http.StatusTooManyRequests:
		if e.RetryAfter > 0 {
			return fmt.Sprintf("Defender is throttling requests: retry in %s", e.RetryAfter.Round(time.Second))
		}
		return "Defender is throttling requests: wait a minute and retry"
	}
	if e.StatusCode >= 500 {
		return "Defender had an internal error: try again shortly"
	}
	if e.Message != "" {
		return "Defender rejected the request: " + e.Message
	}
	return e.Error()
}

func describeNotFound(path string) string {
	p := strings.ToLower(path)
	switch {
	case strings.Contains(p, "getliveresponseresultdownloadlink"):
		return "the result is not available (yet) for this command"
	case strings.HasPrefix(p, "/api/libraryfiles/"):
		return "the file " + lastSegment(path) + " is not in the library"
	case strings.HasSuffix(p, "/runliveresponse"):
		return "the device is not known to Defender"
	case strings.HasPrefix(p, "/api/machines/"):
		return "the device " + lastSegment(path) + " is not known to Defender"
	case strings.HasPrefix(p, "/api/machineactions/"):
		return "the action is not known to Defender"
	}
	return "not found: " + path
}

func lastSegment(path string) string {
	path = strings.TrimSuffix(path, "/")
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		path = path[i+1:]
	}
	return sanitize(path, 80)
}
