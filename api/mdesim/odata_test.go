package mdesim

import (
	"testing"
	"time"
)

func TestParseFilter(t *testing.T) {
	allowed := map[string]bool{"name": true, "status": true, "when": true}
	rec := func(name, status string, when time.Time) fieldGetter {
		return func(f string) (any, bool) {
			switch f {
			case "name":
				return name, true
			case "status":
				return status, true
			case "when":
				return when, true
			}
			return nil, false
		}
	}
	t0 := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	r := rec("o'brien-01", "Active", t0)
	cases := []struct {
		expr string
		want bool
	}{
		{"name eq 'o''brien-01'", true},
		{"name eq 'O''BRIEN-01'", true},
		{"startswith(name,'o''b')", true},
		{"startswith(name, 'x')", false},
		{"status ne 'Active'", false},
		{"status eq 'Active' and name eq 'x'", false},
		{"status eq 'x' or name eq 'o''brien-01'", true},
		{"status eq 'x' and name eq 'y' or status eq 'Active'", true},
		{"status eq 'x' and (name eq 'y' or status eq 'Active')", false},
		{"((status eq 'Active'))", true},
		{"when ge 2025-11-03T09:00:00Z", true},
		{"when gt 2025-11-03T09:00:00Z", false},
		{"when lt 2025-11-04Z", true},
		{"when gt 2025-11-03T08:59:59.5Z", true},
		{"status in ('Pending','Active')", true},
		{"name eq 'semi;colon and or'", false},
	}
	for _, c := range cases {
		e, err := parseFilter(c.expr, allowed)
		if err != nil {
			t.Errorf("%q: %v", c.expr, err)
			continue
		}
		if got := e.eval(r); got != c.want {
			t.Errorf("%q = %v, want %v", c.expr, got, c.want)
		}
	}
	bad := []string{"", "other eq 'x'", "name eq 'x", "name eq", "name ~ 'x'", "(name eq 'x'", "name eq 'x')",
		"startswith(name)", "name eq 'x' and", "name eq 2025-13-45", "name eq 'x' name eq 'y'", "name in ('a' 'b')"}
	for _, b := range bad {
		if _, err := parseFilter(b, allowed); err == nil {
			t.Errorf("%q: expected an error", b)
		}
	}
}
