package fuzzyindex

import (
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestProbe(t *testing.T) {
	if os.Getenv("PROBE") == "" {
		t.Skip()
	}
	rows := benchData()
	ix := New(rows)
	for rep := 0; rep < 3; rep++ {
		for _, word := range typed {
			ix.cache = newResultCache(defaultCacheEntries, defaultCacheMatches)
			line := ""
			for n := 1; n <= len(word); n++ {
				c0 := cpu()
				t0 := time.Now()
				m := ix.Search(word[:n])
				line += fmt.Sprintf(" %q:%d:%.1f/%.1fms", word[:n], len(m), ms(time.Since(t0)), ms(cpu()-c0))
			}
			fmt.Println(line)
		}
	}
}

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkProbeNarrow(b *testing.B) {
	rows := benchData()
	ix := New(rows)
	ix.Search("sqlcontoso1")
	base := ix.cache.entries[len(ix.cache.entries)-1]
	q := compile("sqlcontoso10")
	ix.mu.Lock()
	snap := ix.rows
	ix.mu.Unlock()
	for b.Loop() {
		ix.run(snap, q, candidates{list: base.rows, from: len(snap), to: len(snap)})
	}
}
