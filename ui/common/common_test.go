package common

import (
	"testing"
	"time"
)

func TestQueueText(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{{0, "2h"}, {2 * time.Hour, "2h"}, {72 * time.Hour, "72h"}, {12 * time.Minute, "12m"}, {90 * time.Second, "1m30s"}} {
		if got := (&Common{QueueWindow: c.d}).QueueText(); got != c.want {
			t.Errorf("QueueText(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}
