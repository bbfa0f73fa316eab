package mdesim

import (
	"sort"
	"time"
)

// window is a sliding record of admitted calls over the last hour.
type window struct {
	times []time.Time // ascending
}

// admit records a call at now if fewer than perMinute calls happened in the
// last minute and fewer than perHour in the last hour (perHour 0: no hourly
// limit). Otherwise it returns how long to wait.
func (w *window) admit(now time.Time, perMinute, perHour int) time.Duration {
	hourAgo := now.Add(-time.Hour)
	drop := sort.Search(len(w.times), func(i int) bool { return w.times[i].After(hourAgo) })
	w.times = w.times[drop:]
	minuteAgo := now.Add(-time.Minute)
	first := sort.Search(len(w.times), func(i int) bool { return w.times[i].After(minuteAgo) })
	if n := len(w.times) - first; n >= perMinute {
		return w.times[len(w.times)-perMinute].Add(time.Minute).Sub(now)
	}
	if perHour > 0 && len(w.times) >= perHour {
		return w.times[len(w.times)-perHour].Add(time.Hour).Sub(now)
	}
	w.times = append(w.times, now)
	return 0
}
