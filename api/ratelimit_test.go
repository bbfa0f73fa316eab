package api

import (
	"context"
	"testing"
	"time"
)

// maxInWindow returns the most timestamps inside any window of length w.
func maxInWindow(ts []time.Time, w time.Duration) int {
	best, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= w {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

func TestLimiterNeverExceedsBudget(t *testing.T) {
	clk := newFakeClock()
	l := newLimiter(Limits{CallsPerMinute: 100, CallsPerHour: 1500, SubmitPerMinute: 10}, clk.Now)
	var calls, submits []time.Time
	for i := range 1700 {
		submit := i%7 == 0
		if err := l.acquire(context.Background(), submit, clk.Sleep); err != nil {
			t.Fatal(err)
		}
		calls = append(calls, clk.Now())
		if submit {
			submits = append(submits, clk.Now())
		}
		clk.Advance(100 * time.Millisecond)
	}
	if got := maxInWindow(calls, time.Minute); got > 100 {
		t.Fatalf("%d calls in one minute", got)
	}
	if got := maxInWindow(calls, time.Hour); got > 1500 {
		t.Fatalf("%d calls in one hour", got)
	}
	if got := maxInWindow(submits, time.Minute); got > 10 {
		t.Fatalf("%d submissions in one minute", got)
	}
	if len(clk.Sleeps()) == 0 {
		t.Fatal("limiter never waited")
	}
	// 1700 calls at most 1500/h: the run must have spanned more than an hour.
	if span := calls[len(calls)-1].Sub(calls[0]); span < time.Hour {
		t.Fatalf("1700 calls in %v", span)
	}
}

func TestLimiterBudgetAndPause(t *testing.T) {
	clk := newFakeClock()
	l := newLimiter(Limits{}, clk.Now)
	if b := l.budget(); b != (Budget{100, 1500, 10}) {
		t.Fatalf("fresh budget = %+v", b)
	}
	for range 3 {
		if err := l.acquire(context.Background(), true, clk.Sleep); err != nil {
			t.Fatal(err)
		}
	}
	if b := l.budget(); b != (Budget{97, 1497, 7}) {
		t.Fatalf("budget = %+v", b)
	}
	clk.Advance(61 * time.Second)
	if b := l.budget(); b != (Budget{100, 1497, 10}) {
		t.Fatalf("budget after a minute = %+v", b)
	}
	l.pause(20 * time.Second)
	if err := l.acquire(context.Background(), false, clk.Sleep); err != nil {
		t.Fatal(err)
	}
	if sl := clk.Sleeps(); len(sl) != 1 || sl[0] != 20*time.Second {
		t.Fatalf("sleeps = %v", sl)
	}
}

func TestLimiterHonoursContext(t *testing.T) {
	clk := newFakeClock()
	l := newLimiter(Limits{CallsPerMinute: 1}, clk.Now)
	ctx, cancel := context.WithCancel(context.Background())
	if err := l.acquire(ctx, false, clk.Sleep); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := l.acquire(ctx, false, clk.Sleep); err == nil {
		t.Fatal("acquire ignored a cancelled context")
	}
}

func TestClientBudgetCountsCalls(t *testing.T) {
	ten := newTenant(t)
	ten.handle("GET /api/libraryfiles", libraryHandler)
	cfg := ten.config(newFakeClock())
	cfg.Limits = Limits{CallsPerMinute: 5}
	c, _ := New(cfg)
	for range 2 {
		if _, err := c.ListLibraryFiles(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if b := c.Budget(); b.MinuteRemaining != 3 || b.HourRemaining != 1498 {
		t.Fatalf("budget = %+v", b)
	}
}

func TestSleepCtxStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := SleepContext(ctx, time.Hour); err == nil {
		t.Fatal("SleepContext ignored cancellation")
	}
	if err := SleepContext(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
}
