package cli

import (
	"fmt"
	"strings"
	"time"

	"mdlr/api"
)

// source is one candidate value for a setting and where it comes from.
type source struct{ value, from string }

func flagV(v, name string) source { return source{v, "flag --" + name} }
func envV(env Env, name string) source {
	return source{env(name), "env " + name}
}
func val(v, from string) source { return source{v, from} }

// resolver picks each setting's value by precedence and records its origin.
type resolver struct{ c *Connection }

// str returns the first non-blank candidate and records where it came from.
func (r resolver) str(name string, cands ...source) string {
	for _, s := range cands {
		if v := strings.TrimSpace(s.value); v != "" {
			r.c.Origins[name] = s.from
			return v
		}
	}
	return ""
}

// flag is true when any (value, origin) pair is true; the first true one
// is recorded. Safety switches such as read-only cannot be turned off by a
// later layer.
func (r resolver) flag(name string, pairs ...any) bool {
	for i := 0; i+1 < len(pairs); i += 2 {
		if on, _ := pairs[i].(bool); on {
			r.c.Origins[name], _ = pairs[i+1].(string)
			return true
		}
	}
	return false
}

// limits applies a profile's budget and queue-window overrides.
func (r resolver) limits(p Profile) error {
	from := fmt.Sprintf("profile %q", r.c.Profile)
	l := p.Limits
	set := func(name string, v int, dst *int) {
		if v > 0 {
			*dst = v
			r.c.Origins[name] = from
		}
	}
	set("calls_per_minute", l.CallsPerMinute, &r.c.Limits.CallsPerMinute)
	set("calls_per_hour", l.CallsPerHour, &r.c.Limits.CallsPerHour)
	set("submit_per_minute", l.SubmitPerMinute, &r.c.Limits.SubmitPerMinute)
	if q := strings.TrimSpace(l.QueueWindow); q != "" {
		d, err := time.ParseDuration(q)
		if err != nil || d <= 0 {
			return fmt.Errorf("%s: limits.queue_window %q is not a positive duration such as \"2h\"", from, q)
		}
		r.c.QueueWindow = d
		r.c.Origins["queue_window"] = from
	}
	return nil
}

// effectiveLimits fills unset budgets with the documented defaults, for display.
func effectiveLimits(l api.Limits) api.Limits {
	if l.CallsPerMinute == 0 {
		l.CallsPerMinute = api.DefaultCallsPerMinute
	}
	if l.CallsPerHour == 0 {
		l.CallsPerHour = api.DefaultCallsPerHour
	}
	if l.SubmitPerMinute == 0 {
		l.SubmitPerMinute = api.DefaultSubmitPerMinute
	}
	return l
}
