package fuzzyindex

import "slices"

// Cache bounds: recent queries kept, and total matches held across them.
const (
	defaultCacheEntries = 24
	defaultCacheMatches = 800_000
)

// resultCache keeps recent results, most recently used last. It is not
// safe for concurrent use; Index guards it with its mutex.
type resultCache struct {
	entries    []*result
	maxEntries int
	maxMatches int
}

func newResultCache(maxEntries, maxMatches int) resultCache {
	return resultCache{maxEntries: maxEntries, maxMatches: maxMatches}
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
		total += len(e.rows)
	}
	for len(c.entries) > 1 && (len(c.entries) > c.maxEntries || total > c.maxMatches) {
		total -= len(c.entries[0].rows)
		c.entries = slices.Delete(c.entries, 0, 1)
	}
}
