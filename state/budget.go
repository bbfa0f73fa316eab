package state

import (
	"time"

	"mdlr/api"
)

// Documented API rates for every endpoint the engine polls (§3.5).
const (
	callsPerMinute = 100
	callsPerHour   = 1500
)

// intervalInput is what the next poll interval depends on.
type intervalInput struct {
	Changed    bool          // something changed in this round
	AllQueued  bool          // everything tracked is Pending with nothing started
	Prev       time.Duration // the interval planned last round (0: first round)
	RetryAfter time.Duration // the largest server-requested wait seen this round
	Calls      int           // API calls the next round is expected to make
	Budget     api.Budget    // what the process has left
	Min, Max   time.Duration
}

// nextInterval plans the wait before the next poll round: Min after a change,
// growing ×1.5 up to Max while nothing changes, Max while everything is
// queued, at least any Retry-After, and never faster than the documented
// budgets (100 calls/min, 1500 calls/h) and the budget left allow.
func nextInterval(in intervalInput) time.Duration {
	var d time.Duration
	switch {
	case in.AllQueued:
		d = in.Max
	case in.Changed || in.Prev <= 0:
		d = in.Min
	default:
		d = min(in.Prev*3/2, in.Max)
		d = max(d, in.Min)
	}
	d = max(d, in.RetryAfter)
	return max(d, budgetFloor(in.Calls, in.Budget))
}

// budgetFloor is the shortest wait that keeps calls per round within the
// documented rates and stretches what is left of the hourly budget over an
// hour. An exhausted minute budget waits a minute.
func budgetFloor(calls int, b api.Budget) time.Duration {
	if calls <= 0 {
		return 0
	}
	n := time.Duration(calls)
	floor := max(n*time.Minute/callsPerMinute, n*time.Hour/callsPerHour)
	if b.HourRemaining < callsPerHour {
		floor = max(floor, n*time.Hour/time.Duration(max(b.HourRemaining, 1)))
	}
	if b.MinuteRemaining < calls {
		floor = max(floor, time.Minute)
	}
	return min(floor, time.Hour)
}
