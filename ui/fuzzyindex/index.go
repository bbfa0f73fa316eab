package fuzzyindex

import (
	"runtime"
	"sync"
)

// Match is one row matching a query. The matched offsets are not kept
// (they would cost 8 bytes per query character per match): ask Positions
// for the few rows on screen.
type Match struct {
	Row   int // index of the row, in the order rows were added
	Score int // fuzzy's score; higher is better
}

// Index holds rows (haystacks) and answers fuzzy queries over them.
// The zero value is not usable; call New.
type Index struct {
	mu      sync.Mutex
	rows    []prepared // append-only: elements are never modified once added
	cache   resultCache
	workers int
}

// New returns an index over rows, one haystack per row.
func New(rows []string) *Index {
	ix := &Index{workers: runtime.GOMAXPROCS(0), cache: newResultCache(defaultCacheEntries, defaultCacheBytes)}
	ix.Append(rows)
	return ix
}

// Append adds rows after the existing ones; their Row numbers continue
// from Len(). Earlier results stay valid and cached results are reused:
// later searches score only the new rows on top of them.
func (ix *Index) Append(rows []string) {
	if len(rows) == 0 {
		return
	}
	prep := prepareBatch(rows)
	ix.mu.Lock()
	ix.rows = append(ix.rows, prep...)
	ix.mu.Unlock()
}

// Len is the number of rows in the index.
func (ix *Index) Len() int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return len(ix.rows)
}

// Search returns the rows matching query, best first: score descending,
// then row ascending, exactly as fuzzy.Find(query, rows) orders them.
// An empty query returns nil (the caller shows every row). The result is
// read-only and may be shared with other callers.
func (ix *Index) Search(query string) []Match {
	if query == "" {
		return nil
	}
	q := compile(query)
	ix.mu.Lock()
	rows := ix.rows // snapshot: later Appends never touch rows[:len(rows)]
	base := ix.cache.base(q, len(rows))
	ix.mu.Unlock()

	if base != nil && base.key == q.key && base.covered == len(rows) {
		return base.matches
	}
	cands := candidates{from: 0, to: len(rows)}
	if base != nil {
		cands = candidates{list: base.rows, from: base.covered, to: len(rows)}
	}
	res := ix.run(rows, q, cands)

	ix.mu.Lock()
	ix.cache.put(res)
	ix.mu.Unlock()
	return res.matches
}

// Positions returns the byte offsets in row's haystack that query matches,
// or nil when row is out of range or does not match.
func (ix *Index) Positions(row int, query string) []int {
	if query == "" {
		return nil
	}
	ix.mu.Lock()
	n := len(ix.rows)
	var p prepared
	if row >= 0 && row < n {
		p = ix.rows[row]
	}
	ix.mu.Unlock()
	if row < 0 || row >= n {
		return nil
	}
	q := compile(query)
	_, pos, ok := p.score(q, make([]int, q.width()))
	if !ok {
		return nil
	}
	return pos
}
