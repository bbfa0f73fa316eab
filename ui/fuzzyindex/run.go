package fuzzyindex

import (
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// chunkSize is how many candidates one worker scores per grab: large
// enough to amortise scheduling, small enough to balance two to a few
// dozen cores.
const chunkSize = 2048

// candidates is the rows a search must score, ascending: every row of
// list (all below from), then the rows from..to-1.
type candidates struct {
	list     []int32
	from, to int
}

func (c candidates) len() int { return len(c.list) + c.to - c.from }

func (c candidates) at(i int) int {
	if i < len(c.list) {
		return int(c.list[i])
	}
	return c.from + i - len(c.list)
}

// chunkOut is what scoring one chunk of candidates found, in row order.
type chunkOut struct {
	rows   []int32
	scores []int
	pos    []int // width offsets per match, back to back
}

// run scores the candidates against q in parallel and orders the result.
func (ix *Index) run(rows []prepared, q compiled, c candidates) *result {
	width := len(q.key)
	if !q.folds {
		width = utf8.RuneCountInString(q.raw)
	}
	total := c.len()
	outs := make([]chunkOut, (total+chunkSize-1)/chunkSize)
	parallel(ix.workers, len(outs), func(i int) {
		outs[i] = scoreChunk(rows, q, c, width, i*chunkSize, min(total, (i+1)*chunkSize))
	})
	return assemble(q, c.to, outs, width, ix.workers)
}

// parallel calls fn(0) .. fn(n-1) on up to workers goroutines and returns
// when all calls have returned.
func parallel(workers, n int, fn func(i int)) {
	workers = min(workers, n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

// scoreChunk scores candidates lo..hi-1.
func scoreChunk(rows []prepared, q compiled, c candidates, width, lo, hi int) chunkOut {
	var out chunkOut
	scratch := make([]int, width)
	for i := lo; i < hi; i++ {
		row := c.at(i)
		p := &rows[row]
		if p.wide {
			score, pos, ok := scoreWide(q.raw, p.orig)
			if ok {
				out.add(row, score, pos)
			}
			continue
		}
		if !q.folds || q.mask&^p.mask != 0 {
			continue
		}
		if score, ok := scoreASCII(p, q.key, scratch); ok {
			out.add(row, score, scratch)
		}
	}
	return out
}

func (o *chunkOut) add(row, score int, pos []int) {
	if o.rows == nil {
		o.rows = make([]int32, 0, chunkSize)
		o.scores = make([]int, 0, chunkSize)
		o.pos = make([]int, 0, chunkSize*len(pos))
	}
	o.rows = append(o.rows, int32(row))
	o.scores = append(o.scores, score)
	o.pos = append(o.pos, pos...)
}
