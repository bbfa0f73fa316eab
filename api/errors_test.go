package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{
		"":                              0,
		"30":                            30 * time.Second,
		"-3":                            0,
		"junk":                          0,
		"99999":                         maxRetryAfter,
		"Mon, 03 Nov 2025 09:00:45 GMT": 45 * time.Second,
		"Mon, 03 Nov 2025 08:00:00 GMT": 0,
	}
	for in, want := range cases {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestParseAPIErrorSanitisesAndKeepsFields(t *testing.T) {
	h := http.Header{"Retry-After": {"5"}}
	e := parseAPIError("POST", "/api/machines/m1/runliveresponse", 400, h,
		[]byte(`{"error":{"code":"InvalidInput","message":"bad\u001b[31m value\nline2","target":"t-9"}}`), time.Now())
	if e.Code != "InvalidInput" || e.Target != "t-9" || e.RetryAfter != 5*time.Second || strings.ContainsAny(e.Message, "\x1b\n") {
		t.Fatalf("e = %#v", e)
	}
	e = parseAPIError("GET", "/api/machines", 502, nil, []byte("<html>gateway</html>"), time.Now())
	if e.Code != "" || e.Message != "Bad Gateway" {
		t.Fatalf("non-JSON error = %#v", e)
	}
}

func TestMissingPermissionByEndpoint(t *testing.T) {
	cases := map[string]string{
		"/api/machines":                     "Machine.Read.All",
		"/api/machines/abc":                 "Machine.Read.All",
		"/api/machines/abc/runliveresponse": "Machine.LiveResponse",
		"/api/libraryfiles":                 "Library.Manage",
		"/api/libraryfiles/x.ps1":           "Library.Manage",
		"/api/machineactions/a/cancel":      "Machine.LiveResponse",
		"/api/machineactions":               "Machine.Read.All",
		"/api/machineactions/a/GetLiveResponseResultDownloadLink(index=0)": "Machine.ReadWrite.All (older docs: Machine.Read.All)",
	}
	for path, want := range cases {
		err := fmt.Errorf("wrapped: %w", &Error{StatusCode: 403, Code: "Forbidden", Path: path})
		if got := MissingPermission(err); got != want {
			t.Errorf("MissingPermission(%s) = %q, want %q", path, got, want)
		}
		if !IsForbidden(err) {
			t.Errorf("IsForbidden(%s) false", path)
		}
	}
	if MissingPermission(&Error{StatusCode: 404, Path: "/api/machines"}) != "" {
		t.Error("404 reported a missing permission")
	}
	mustContain(t, Describe(&Error{StatusCode: 403, Path: "/api/libraryfiles"}), "Library.Manage")
}

func TestClassifiers(t *testing.T) {
	thr := &Error{StatusCode: 429, Code: "TooManyRequests", RetryAfter: 9 * time.Second}
	if !IsThrottled(thr) || RetryAfter(thr) != 9*time.Second || IsNotFound(thr) {
		t.Error("throttle classification")
	}
	mustContain(t, Describe(thr), "retry in 9s")
	if IsThrottled(errors.New("x")) || RetryAfter(nil) != 0 || Describe(nil) != "" {
		t.Error("plain errors misclassified")
	}
	mustContain(t, Describe(&Error{StatusCode: 404, Path: "/api/machines/pc 1"}), "the device pc 1 is not known")
	mustContain(t, Describe(&Error{StatusCode: 400, Code: "DisabledFeature"}), "Advanced features")
	mustContain(t, Describe(fmt.Errorf("%w: x", ErrOutcomeUnknown)), "check the device's actions")
	mustContain(t, Describe(fmt.Errorf("x: %w", errLinkExpired)), "check the system clock")
}

func TestIsResultNotReady(t *testing.T) {
	link := "/api/machineactions/a/GetLiveResponseResultDownloadLink(index=0)"
	if !IsResultNotReady(&Error{StatusCode: 400, Path: link}) || !IsResultNotReady(&Error{StatusCode: 404, Path: link}) {
		t.Error("400/404 on the link endpoint not classified")
	}
	if IsResultNotReady(&Error{StatusCode: 404, Path: "/api/machines/x"}) || IsResultNotReady(&Error{StatusCode: 500, Path: link}) {
		t.Error("other errors classified as not ready")
	}
}

func TestDescribePlainWords(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{&Error{StatusCode: 400, Code: "OsPlatformNotSupported"}, "not supported on this device's operating system"},
		{&Error{StatusCode: 400, Code: "ClientVersionNotSupported"}, "too old"},
		{&Error{StatusCode: 400, Code: "ODataError", Message: "bad $filter"}, "search filter: bad $filter"},
		{&Error{StatusCode: 401}, "sign-in token"},
		{&Error{StatusCode: 500}, "internal error"},
		{&Error{StatusCode: 404, Path: "/api/machineactions/a/GetLiveResponseResultDownloadLink(index=0)"}, "not available (yet)"},
		{&Error{StatusCode: 404, Path: "/api/machines/m/runliveresponse"}, "device is not known"},
		{&Error{StatusCode: 404, Path: "/api/machineactions/a"}, "action is not known"},
		{&DecodeError{Method: "GET", Path: "/api/machines", Err: errors.New("x")}, "could not be read (/api/machines)"},
		{&AuthError{OAuthError: "invalid_client", Fix: "check both"}, "sign-in failed (invalid_client): check both"},
	}
	for _, tc := range cases {
		mustContain(t, Describe(tc.err), tc.want)
	}
}
