package fuzzyindex

import (
	"strings"

	"github.com/sahilm/fuzzy"
)

// Scoring constants of sahilm/fuzzy v0.1.3.
const (
	firstCharBonus    = 10
	separatorBonus    = 20
	camelCaseBonus    = 20
	adjacentBonus     = 5
	leadingPenalty    = -5
	maxLeadingPenalty = -15
	// maxFastPattern is the longest pattern scoreASCII scores. Fuzzy's
	// adjacency bonus triples per adjacent character and, in int
	// arithmetic, wraps negative after about 40; fuzzy then keeps stale
	// offsets. Which rows match is unaffected, so rows matching a longer
	// pattern are found by scoreASCII and rescored by fuzzy itself.
	maxFastPattern = 32
	// maxPlainBonus is the highest bonus a match at offset > 0 can earn
	// without the adjacency bonus (a separator and a camel hump exclude
	// each other), so no later occurrence can beat a match worth this.
	maxPlainBonus = 20
)

// isSeparator marks fuzzy's separators: / - _ space . backslash.
var isSeparator = func() (t [256]bool) {
	for _, b := range []byte("/-_ .\\") {
		t[b] = true
	}
	return t
}()

// bonus is fuzzy's per-character score of matching orig[x] at x > 0, not
// counting the adjacency bonus: 0 or maxPlainBonus.
func bonus(orig string, x int) int {
	prev, cur := orig[x-1], orig[x]
	s := 0
	if prev >= 'a' && prev <= 'z' && cur >= 'A' && cur <= 'Z' {
		s += camelCaseBonus
	}
	if isSeparator[prev] {
		s += separatorBonus
	}
	return s
}

// scoreASCII scores pattern (lowercase ASCII, non-empty) against an ASCII
// row exactly as fuzzy.Find does, writing the matched offsets to
// pos[:len(pattern)].
//
// fuzzy assigns pattern byte k to the best-scoring of its occurrences
// (earliest on ties) from the end of byte k-1's window up to the byte
// before the first following occurrence of pattern byte k+1; the last
// pattern byte may take any later occurrence. Matches are therefore
// greedy-subsequence matches. Only the window's first occurrence can be
// adjacent to the previous match or at offset 0; a later one scores 0
// unless it is at a bonus offset (worth maxPlainBonus), so one search of
// the bonus bytes finds the winner.
func scoreASCII(p *prepared, pattern string, pos []int) (int, bool) {
	size := len(p.data) / 2
	low, marks := p.data[:size], p.data[size:]
	n := len(pattern)
	total, adjacent, lastMatch, start := 0, 0, -1, 0
	for k := 0; k < n; k++ {
		c := pattern[k]
		first := start // for k > 0, low[start] == c by construction
		if k == 0 {
			if first = indexFrom(low, 0, c); first < 0 {
				return 0, false
			}
		}
		end := size
		if k < n-1 {
			if end = indexFrom(low, first+1, pattern[k+1]); end < 0 {
				return 0, false
			}
		}
		best, at := 0, first
		switch {
		case first == 0:
			best = firstCharBonus
		case marks[first] != 0:
			best = maxPlainBonus
		}
		if k > 0 && lastMatch == first-1 {
			b := adjacent*2 + adjacentBonus
			best += b
			adjacent += b
		}
		if best < maxPlainBonus && first+1 < end && p.bmask&byteBit[c] != 0 {
			if x := indexFrom(marks[:end], first+1, c); x >= 0 {
				best, at = maxPlainBonus, x
			}
		}
		if k == 0 {
			best += max(at*leadingPenalty, maxLeadingPenalty)
		}
		total += best
		pos[k] = at
		lastMatch, start = at, end
	}
	return total + n - size, true
}

// scoreFuzzy scores a row with fuzzy itself (rows with non-ASCII bytes,
// and very long patterns).
func scoreFuzzy(query, row string) (int, []int, bool) {
	m := fuzzy.Find(query, []string{row})
	if len(m) == 0 {
		return 0, nil, false
	}
	return m[0].Score, m[0].MatchedIndexes, true
}

// shortScan is how many bytes indexFrom compares one by one before
// handing over to strings.IndexByte, whose set-up costs more than a short
// loop; most windows in typed queries are a few bytes long.
const shortScan = 16

// indexFrom returns the offset of the first c in s at or after from, or -1.
func indexFrom(s string, from int, c byte) int {
	stop := min(len(s), from+shortScan)
	for i := from; i < stop; i++ {
		if s[i] == c {
			return i
		}
	}
	if stop == len(s) {
		return -1
	}
	if r := strings.IndexByte(s[stop:], c); r >= 0 {
		return stop + r
	}
	return -1
}

// score scores row p against q the way fuzzy.Find does. Offsets go to
// buf (len(buf) == number of runes in q) unless fuzzy itself scored the
// row; the returned slice holds them either way.
func (p *prepared) score(q compiled, buf []int) (int, []int, bool) {
	if p.wide() {
		return scoreFuzzy(q.raw, p.orig)
	}
	if !q.folds || q.mask&^p.mask != 0 {
		return 0, nil, false
	}
	score, ok := scoreASCII(p, q.key, buf)
	if ok && len(q.key) > maxFastPattern {
		return scoreFuzzy(q.raw, p.orig)
	}
	return score, buf, ok
}
