package state

import (
	"testing"
	"time"

	"mdlr/api"
)

func TestNextInterval(t *testing.T) {
	full := api.Budget{MinuteRemaining: 100, HourRemaining: 1500}
	base := intervalInput{Min: 3 * time.Second, Max: 30 * time.Second, Calls: 1, Budget: full}
	tests := []struct {
		name string
		edit func(*intervalInput)
		want time.Duration
	}{
		{"first round", func(in *intervalInput) {}, 3 * time.Second},
		{"changed", func(in *intervalInput) { in.Changed = true; in.Prev = 20 * time.Second }, 3 * time.Second},
		{"grows x1.5", func(in *intervalInput) { in.Prev = 4 * time.Second }, 6 * time.Second},
		{"capped at max", func(in *intervalInput) { in.Prev = 25 * time.Second }, 30 * time.Second},
		{"all queued", func(in *intervalInput) { in.AllQueued = true; in.Changed = true }, 30 * time.Second},
		{"retry after", func(in *intervalInput) { in.Changed = true; in.RetryAfter = 45 * time.Second }, 45 * time.Second},
		{"many calls respect 1500/h", func(in *intervalInput) { in.Changed = true; in.Calls = 10 }, 24 * time.Second},
		{"minute budget exhausted", func(in *intervalInput) { in.Changed = true; in.Budget.MinuteRemaining = 0 }, time.Minute},
		{"hour budget low", func(in *intervalInput) { in.Changed = true; in.Budget.HourRemaining = 60 }, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base
			tt.edit(&in)
			if got := nextInterval(in); got != tt.want {
				t.Fatalf("nextInterval = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBudgetFloorKeepsDocumentedRates(t *testing.T) {
	full := api.Budget{MinuteRemaining: 100, HourRemaining: 1500}
	for calls := 1; calls <= 60; calls++ {
		d := budgetFloor(calls, full)
		perMin := float64(calls) / d.Minutes()
		perHour := float64(calls) / d.Hours()
		if perMin > 100.0001 || perHour > 1500.0001 {
			t.Fatalf("%d calls every %v = %.1f/min %.1f/h", calls, d, perMin, perHour)
		}
	}
}
