package fuzzyindex

import (
	"cmp"
	"slices"
)

// countingSlack is how many histogram buckets beyond the match count a
// counting sort may use before a comparison sort is cheaper (long queries
// earn huge adjacency bonuses, so their scores spread widely).
const countingSlack = 4096

// fillBlock is how many matches one worker fills per grab.
const fillBlock = 8192

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
//
// It first flattens the chunks (rows, scores), then computes the
// order as source indices (a stable counting sort on the scores when
// their span is small, which keeps equal scores in ascending rows), then
// writes the matches sequentially. All three steps run in parallel; the
// order step scatters 4-byte indices rather than whole matches.
func assemble(q compiled, covered int, outs []chunkOut, workers int) *result {
	res := &result{key: q.key, folds: q.folds, covered: covered}
	m, lo, hi := 0, 0, 0
	first := make([]int, len(outs)) // flat index of each chunk's first match
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
	scores := make([]int, m)
	buckets := hi - lo + 1
	counting := buckets > 0 && buckets <= 4*m+countingSlack
	perChunk := counting && workers > 1 && len(outs) > 1 && len(outs)*buckets <= 2*m+countingSlack
	var hist []int // per chunk when perChunk, else one shared histogram
	if perChunk {
		hist = make([]int, len(outs)*buckets)
	}
	parallel(workers, len(outs), func(i int) {
		o := &outs[i]
		copy(res.rows[first[i]:], o.rows)
		copy(scores[first[i]:], o.scores)
		if perChunk {
			h := hist[i*buckets : (i+1)*buckets]
			for _, s := range o.scores {
				h[hi-s]++
			}
		}
	})

	order := make([]int32, m) // order[k] is the flat index of the k-th best match
	switch {
	case perChunk:
		at := 0
		for b := range buckets {
			for i := range outs {
				n := hist[i*buckets+b]
				hist[i*buckets+b] = at
				at += n
			}
		}
		parallel(workers, len(outs), func(i int) {
			h := hist[i*buckets : (i+1)*buckets]
			for j, s := range outs[i].scores {
				order[h[hi-s]] = int32(first[i] + j)
				h[hi-s]++
			}
		})
	case counting:
		next := make([]int, buckets)
		for _, s := range scores {
			next[hi-s]++
		}
		at := 0
		for b, n := range next {
			next[b] = at
			at += n
		}
		for g, s := range scores {
			order[next[hi-s]] = int32(g)
			next[hi-s]++
		}
	default:
		for g := range order {
			order[g] = int32(g)
		}
		slices.SortFunc(order, func(a, b int32) int {
			if c := cmp.Compare(scores[b], scores[a]); c != 0 {
				return c
			}
			return cmp.Compare(a, b) // flat order is row order
		})
	}

	res.matches = make([]Match, m)
	parallel(workers, (m+fillBlock-1)/fillBlock, func(blk int) {
		for k := blk * fillBlock; k < min(m, (blk+1)*fillBlock); k++ {
			g := int(order[k])
			res.matches[k] = Match{Row: int(res.rows[g]), Score: scores[g]}
		}
	})
	return res
}
