package mdesim

import (
	"testing"
	"time"
)

// FuzzParseFilter checks that no $filter input panics the parser or evaluator.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"name eq 'a''b'", "startswith(name,'x') and (status eq 'A' or when ge 2025-01-01Z)",
		"status in ('a','b')", "((", "'", "name eq 1", "when gt 2025-11-03T09:00:00.1234567Z"} {
		f.Add(s)
	}
	allowed := map[string]bool{"name": true, "status": true, "when": true}
	get := func(n string) (any, bool) {
		if n == "when" {
			return time.Unix(0, 0), true
		}
		return "x", true
	}
	f.Fuzz(func(t *testing.T, s string) {
		if e, err := parseFilter(s, allowed); err == nil {
			e.eval(get)
		}
	})
}

// FuzzLiveResponseBody checks that no request body panics the validator.
func FuzzLiveResponseBody(f *testing.F) {
	for _, s := range []string{`{"Commands":[{"type":"GetFile","params":[{"key":"Path","value":"C:\\a"}]}],"Comment":"x"}`,
		`{"Commands":null,"Comment":null}`, `[]`, `{"Commands":[null]}`, `{"Commands":[{"type":"RunScript","params":[null]}],"Comment":"c"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cmds, comment, rerr := parseLiveResponseBody(b)
		if rerr == nil && (len(cmds) == 0 || comment == "") {
			t.Fatalf("accepted a body without commands or comment: %s", b)
		}
	})
}
