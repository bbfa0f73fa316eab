package fuzzyindex

import (
	"sync"
	"sync/atomic"
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
	// scratch owns rows and scores until release.
	scratch *scratch
}

// run scores the candidates against q in parallel and orders the result.
func (ix *Index) run(rows []prepared, q compiled, c candidates) *result {
	width := q.width()
	total := c.len()
	outs := make([]chunkOut, (total+chunkSize-1)/chunkSize)
	parallel(ix.workers, len(outs), func(i int) {
		outs[i] = scoreChunk(rows, q, c, width, i*chunkSize, min(total, (i+1)*chunkSize))
	})
	res := assemble(q, c.to, outs, ix.workers)
	release(outs)
	return res
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

// scoreChunk scores candidates lo..hi-1. Its output lives in a pooled
// scratch buffer until release.
func scoreChunk(rows []prepared, q compiled, c candidates, width, lo, hi int) chunkOut {
	sc := scratchPool.Get().(*scratch)
	sc.rows, sc.scores = sc.rows[:0], sc.scores[:0]
	if cap(sc.one) < width {
		sc.one = make([]int, width)
	}
	one := sc.one[:width]
	for i := lo; i < hi; i++ {
		row := c.at(i)
		if score, _, ok := rows[row].score(q, one); ok {
			sc.rows = append(sc.rows, int32(row))
			sc.scores = append(sc.scores, score)
		}
	}
	return chunkOut{rows: sc.rows, scores: sc.scores, scratch: sc}
}

// scratch holds one chunk's intermediate output; buffers are reused.
type scratch struct {
	rows   []int32
	scores []int
	one    []int // the offsets of the row being scored (not kept)
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// release returns the chunks' scratch buffers to the pool; outs must not
// be used afterwards.
func release(outs []chunkOut) {
	for i := range outs {
		scratchPool.Put(outs[i].scratch)
		outs[i] = chunkOut{}
	}
}
