package fuzzyindex

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sahilm/fuzzy"
)

const benchRows = 100_000

// typed is the typing sequence of the benchmarks: each prefix is one
// keystroke, 1 to 12 characters.
var typed = []string{"fin-ws-0142.", "sqlcontoso10", "vip 10.4 eng"}

var benchData = sync.OnceValue(func() []string { return syntheticDevices(benchRows, 42) })

// coldIndex returns an index over the benchmark rows with an empty cache.
func coldIndex(rows []string) *Index { return New(rows) }

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkFuzzyFindBaseline is plain fuzzy.Find over all rows per keystroke.
func BenchmarkFuzzyFindBaseline(b *testing.B) {
	rows := benchData()
	var lat []time.Duration
	for b.Loop() {
		for _, word := range typed {
			for n := 1; n <= len(word); n++ {
				t0 := time.Now()
				fuzzy.Find(word[:n], rows)
				lat = append(lat, time.Since(t0))
			}
		}
	}
	b.ReportMetric(ms(median(lat)), "median-ms/key")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkTyping types each sequence from a cold cache, one Search per
// keystroke (each narrowing from the previous), and reports the median
// keystroke latency and its ratio to fuzzy.Find measured in the same run.
func BenchmarkTyping(b *testing.B) {
	rows := benchData()
	var base []time.Duration
	for _, word := range typed {
		for n := 1; n <= len(word); n++ {
			t0 := time.Now()
			fuzzy.Find(word[:n], rows)
			base = append(base, time.Since(t0))
		}
	}
	ix := coldIndex(rows)
	var lat []time.Duration
	for b.Loop() {
		for _, word := range typed {
			ix.cache = newResultCache(defaultCacheEntries, defaultCacheBytes)
			for n := 1; n <= len(word); n++ {
				t0 := time.Now()
				ix.Search(word[:n])
				lat = append(lat, time.Since(t0))
			}
		}
	}
	b.ReportMetric(ms(median(lat)), "median-ms/key")
	b.ReportMetric(ms(slices.Max(lat)), "max-ms/key")
	b.ReportMetric(ms(median(base)), "baseline-median-ms/key")
	b.ReportMetric(float64(median(base))/float64(median(lat)), "x-faster")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkColdQuery runs each prefix length as a single query with an
// empty cache (a pasted query, or the first keystroke).
func BenchmarkColdQuery(b *testing.B) {
	rows := benchData()
	ix := coldIndex(rows)
	for n := 1; n <= 12; n++ {
		q := typed[0][:n]
		b.Run(fmt.Sprintf("len=%02d/%s", n, q), func(b *testing.B) {
			for b.Loop() {
				ix.cache = newResultCache(defaultCacheEntries, defaultCacheBytes)
				ix.Search(q)
			}
		})
	}
}

// BenchmarkBackspace deletes a typed query one character at a time.
func BenchmarkBackspace(b *testing.B) {
	rows := benchData()
	ix := coldIndex(rows)
	word := typed[0]
	for n := 1; n <= len(word); n++ {
		ix.Search(word[:n])
	}
	var lat []time.Duration
	for b.Loop() {
		for n := len(word) - 1; n >= 1; n-- {
			t0 := time.Now()
			ix.Search(word[:n])
			lat = append(lat, time.Since(t0))
		}
	}
	b.ReportMetric(ms(median(lat)), "median-ms/key")
}
