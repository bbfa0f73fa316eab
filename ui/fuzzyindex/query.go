package fuzzyindex

import (
	"unicode"
	"unicode/utf8"
)

// compiled is a query in the form the index searches with.
type compiled struct {
	raw string
	// key identifies the query's results. When folds is true it is the
	// query with every rune replaced by the lowercase ASCII member of its
	// case-fold orbit ("K" and the Kelvin sign both become "k"): fuzzy
	// compares runes only by case folding, so two queries with the same
	// key have the same results, and it is also the pattern the ASCII
	// scorer uses. Otherwise key is raw.
	key string
	// folds reports whether every rune has an ASCII fold equivalent. When
	// false, no ASCII row can match.
	folds bool
	mask  uint64 // bytes an ASCII row must contain (valid when folds)
}

// compile turns a non-empty query into its searchable form.
func compile(query string) compiled {
	c := compiled{raw: query, key: query, folds: true}
	key := make([]byte, 0, len(query))
	for _, r := range query { // invalid UTF-8 yields U+FFFD, as []rune does
		b, ok := asciiFold(r)
		if !ok {
			c.folds = false
			return c
		}
		key = append(key, b)
		c.mask |= byteBit[b]
	}
	c.key = string(key)
	return c
}

// asciiFold returns the lowercase ASCII rune that r equals under
// simple case folding, if any.
func asciiFold(r rune) (byte, bool) {
	if r < utf8.RuneSelf {
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		return byte(r), true
	}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < utf8.RuneSelf {
			return asciiFold(f)
		}
	}
	return 0, false
}

// isSubsequence reports whether a is a subsequence of b.
func isSubsequence(a, b string) bool {
	i := 0
	for j := 0; i < len(a) && j < len(b); j++ {
		if a[i] == b[j] {
			i++
		}
	}
	return i == len(a)
}

// width is the number of offsets a match of q has: one per rune.
func (q compiled) width() int {
	if q.folds {
		return len(q.key)
	}
	return utf8.RuneCountInString(q.raw)
}
