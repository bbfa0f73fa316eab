package api

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Default budgets (mde-api.md §3.5).
const (
	DefaultCallsPerMinute  = 100
	DefaultCallsPerHour    = 1500
	DefaultSubmitPerMinute = 10
)

// limiter is a sliding-window budget: it records when calls were made and
// makes a caller wait until the oldest call leaves a full window. A server
// 429 Retry-After pauses every caller sharing the limiter.
type limiter struct {
	limits Limits
	now    func() time.Time

	mu          sync.Mutex
	calls       []time.Time // last hour, oldest first
	submits     []time.Time // last minute, oldest first
	pausedUntil time.Time
}

func withDefaultLimits(l Limits) Limits {
	if l.CallsPerMinute <= 0 {
		l.CallsPerMinute = DefaultCallsPerMinute
	}
	if l.CallsPerHour <= 0 {
		l.CallsPerHour = DefaultCallsPerHour
	}
	if l.SubmitPerMinute <= 0 {
		l.SubmitPerMinute = DefaultSubmitPerMinute
	}
	return l
}

func newLimiter(l Limits, now func() time.Time) *limiter {
	return &limiter{limits: withDefaultLimits(l), now: now}
}

// sharedLimiters makes clients of one process that use the real clock share
// one budget per API host and limits.
var sharedLimiters = struct {
	sync.Mutex
	m map[string]*limiter
}{m: map[string]*limiter{}}

func sharedLimiter(host string, l Limits) *limiter {
	l = withDefaultLimits(l)
	key := fmt.Sprintf("%s|%d|%d|%d", host, l.CallsPerMinute, l.CallsPerHour, l.SubmitPerMinute)
	sharedLimiters.Lock()
	defer sharedLimiters.Unlock()
	if lim, ok := sharedLimiters.m[key]; ok {
		return lim
	}
	lim := newLimiter(l, time.Now)
	sharedLimiters.m[key] = lim
	return lim
}

// acquire waits (through sleep) until one call, and one submission when
// submit is set, fits the budget, then records it.
func (l *limiter) acquire(ctx context.Context, submit bool, sleep func(context.Context, time.Duration) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		wait := l.tryAcquire(submit)
		if wait <= 0 {
			return nil
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// tryAcquire records a call and returns 0, or returns how long to wait.
func (l *limiter) tryAcquire(submit bool) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.prune(now)
	var wait time.Duration
	if now.Before(l.pausedUntil) {
		wait = l.pausedUntil.Sub(now)
	}
	minute := l.countSince(l.calls, now.Add(-time.Minute))
	if len(minute) >= l.limits.CallsPerMinute {
		wait = max(wait, minute[len(minute)-l.limits.CallsPerMinute].Add(time.Minute).Sub(now))
	}
	if len(l.calls) >= l.limits.CallsPerHour {
		wait = max(wait, l.calls[len(l.calls)-l.limits.CallsPerHour].Add(time.Hour).Sub(now))
	}
	if submit && len(l.submits) >= l.limits.SubmitPerMinute {
		wait = max(wait, l.submits[len(l.submits)-l.limits.SubmitPerMinute].Add(time.Minute).Sub(now))
	}
	if wait > 0 {
		return max(wait, time.Millisecond)
	}
	l.calls = append(l.calls, now)
	if submit {
		l.submits = append(l.submits, now)
	}
	return 0
}

// countSince returns the tail of ts at or after since (ts is sorted).
func (l *limiter) countSince(ts []time.Time, since time.Time) []time.Time {
	i := len(ts)
	for i > 0 && ts[i-1].After(since) {
		i--
	}
	return ts[i:]
}

func (l *limiter) prune(now time.Time) {
	l.calls = dropBefore(l.calls, now.Add(-time.Hour))
	l.submits = dropBefore(l.submits, now.Add(-time.Minute))
}

func dropBefore(ts []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	if i == 0 {
		return ts
	}
	return append(ts[:0], ts[i:]...)
}

// pause stops all calls for d (a server Retry-After).
func (l *limiter) pause(d time.Duration) {
	if d <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if until := l.now().Add(d); until.After(l.pausedUntil) {
		l.pausedUntil = until
	}
}

// budget reports what is left in each window.
func (l *limiter) budget() Budget {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.prune(now)
	minute := len(l.countSince(l.calls, now.Add(-time.Minute)))
	return Budget{
		MinuteRemaining: max(0, l.limits.CallsPerMinute-minute),
		HourRemaining:   max(0, l.limits.CallsPerHour-len(l.calls)),
		SubmitRemaining: max(0, l.limits.SubmitPerMinute-len(l.submits)),
	}
}
