package fuzzyindex

import (
	"cmp"
	"slices"
)

// countingSlack is how many histogram buckets beyond the match count a
// counting sort may use before a comparison sort is cheaper (long queries
// earn huge adjacency bonuses, so their scores spread widely).
const countingSlack = 4096

// result is one search's outcome as the cache keeps it.
type result struct {
	key     string
	folds   bool
	covered int     // rows 0..covered-1 were searched
	rows    []int32 // matching rows, ascending
	matches []Match // best first
}

// assemble merges chunk outputs (each in row order, chunks in row order)
// into matches ordered by score descending, then row ascending.
func assemble(q compiled, covered int, outs []chunkOut, width, workers int) *result {
	res := &result{key: q.key, folds: q.folds, covered: covered}
	m, lo, hi := 0, 0, 0
	first := make([]int, len(outs)) // index in res.rows of each chunk's first match
	for i, o := range outs {
		first[i] = m
		for _, s := range o.scores {
			if m == 0 || s < lo {
				lo = s
			}
			if m == 0 || s > hi {
				hi = s
			}
			m++
		}
	}
	if m == 0 {
		return res
	}
	res.rows = make([]int32, m)
	res.matches = make([]Match, m)
	match := func(o *chunkOut, j int) Match {
		return Match{Row: int(o.rows[j]), Score: o.scores[j], Positions: o.pos[j*width : (j+1)*width : (j+1)*width]}
	}
	buckets := hi - lo + 1
	if buckets <= 0 || buckets > 4*m+countingSlack {
		k := 0
		for i := range outs {
			for j := range outs[i].scores {
				res.matches[k] = match(&outs[i], j)
				k++
			}
			copy(res.rows[first[i]:], outs[i].rows)
		}
		slices.SortFunc(res.matches, func(a, b Match) int {
			if a.Score != b.Score {
				return cmp.Compare(b.Score, a.Score)
			}
			return cmp.Compare(a.Row, b.Row)
		})
		return res
	}
	// Counting sort, descending by score. Stable, so equal scores keep
	// ascending rows. With per-chunk histograms each chunk knows where its
	// matches go, and chunks are placed in parallel.
	if workers > 1 && len(outs) > 1 && len(outs)*buckets <= 2*m+countingSlack {
		next := make([]int, len(outs)*buckets)
		parallel(workers, len(outs), func(i int) {
			h := next[i*buckets : (i+1)*buckets]
			for _, s := range outs[i].scores {
				h[hi-s]++
			}
		})
		at := 0
		for b := range buckets {
			for i := range outs {
				n := next[i*buckets+b]
				next[i*buckets+b] = at
				at += n
			}
		}
		parallel(workers, len(outs), func(i int) {
			o := &outs[i]
			h := next[i*buckets : (i+1)*buckets]
			for j, s := range o.scores {
				res.matches[h[hi-s]] = match(o, j)
				h[hi-s]++
			}
			copy(res.rows[first[i]:], o.rows)
		})
		return res
	}
	next := make([]int, buckets)
	for i := range outs {
		for _, s := range outs[i].scores {
			next[hi-s]++
		}
	}
	at := 0
	for b, n := range next {
		next[b] = at
		at += n
	}
	for i := range outs {
		o := &outs[i]
		for j, s := range o.scores {
			res.matches[next[hi-s]] = match(o, j)
			next[hi-s]++
		}
		copy(res.rows[first[i]:], o.rows)
	}
	return res
}
