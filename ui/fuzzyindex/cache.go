package fuzzyindex

import "slices"

// Cache bounds: recent queries kept, and the bytes their results may
// hold together (a 100,000-row result is 2 MB; typing a 12-character
// query and deleting it again fits). The newest result is kept
// even when it alone is larger. Cold queries over 100,000 rows take a few
// milliseconds, so a small cache costs little when backspacing past it.
const (
	defaultCacheEntries = 16
	defaultCacheBytes   = 6 << 20
)

// resultBytes is what a cached result holds: a match (row and score) and
// an ascending row number per matching row.
func resultBytes(r *result) int { return len(r.matches)*16 + len(r.rows)*4 }

// resultCache keeps recent results, most recently used last. It is not
// safe for concurrent use; Index guards it with its mutex.
type resultCache struct {
	entries    []*result
	maxEntries int
	maxBytes   int
}

func newResultCache(maxEntries, maxBytes int) resultCache {
	return resultCache{maxEntries: maxEntries, maxBytes: maxBytes}
}

// base returns the cached result that makes q cheapest to answer over n
// rows: the same query, or a query whose every match set contains q's
// (its key is a subsequence of q's key), with the fewest rows left to
// score. It returns nil when no entry qualifies.
func (c *resultCache) base(q compiled, n int) *result {
	var best *result
	bestCost := 0
	for i, e := range c.entries {
		if e.covered > n {
			continue
		}
		if e.key == q.key && e.folds == q.folds {
			c.touch(i)
			return e
		}
		if !e.folds || !q.folds || !isSubsequence(e.key, q.key) {
			continue
		}
		if cost := len(e.rows) + n - e.covered; best == nil || cost < bestCost {
			best, bestCost = e, cost
		}
	}
	return best
}

// touch marks entry i as most recently used.
func (c *resultCache) touch(i int) {
	e := c.entries[i]
	c.entries = append(slices.Delete(c.entries, i, i+1), e)
}

// put adds r, replacing an older result for the same query, and evicts
// the least recently used entries beyond the bounds (never r itself).
func (c *resultCache) put(r *result) {
	c.entries = slices.DeleteFunc(c.entries, func(e *result) bool {
		return e.key == r.key && e.folds == r.folds && e.covered <= r.covered
	})
	c.entries = append(c.entries, r)
	total := 0
	for _, e := range c.entries {
		total += resultBytes(e)
	}
	for len(c.entries) > 1 && (len(c.entries) > c.maxEntries || total > c.maxBytes) {
		total -= resultBytes(c.entries[0])
		c.entries[0] = nil
		c.entries = slices.Delete(c.entries, 0, 1)
	}
}
