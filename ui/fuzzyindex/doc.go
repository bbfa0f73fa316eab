// Package fuzzyindex filters up to hundreds of thousands of rows with
// github.com/sahilm/fuzzy semantics fast enough to re-filter on every
// keystroke.
//
// Results are exactly those of fuzzy.Find(query, rows): the same set, the
// same order (score descending, then row ascending) and the same scores;
// Positions gives a row's matched byte offsets, the same as fuzzy's. Nothing is approximated or cut short;
// the speed comes from:
//
//   - a per-row 64-bit mask of the bytes present, rejecting rows with one
//     AND before any scanning;
//   - an ASCII scorer that reproduces fuzzy's loop but jumps between the
//     occurrences that can matter (the first of each pattern byte and the
//     precomputed separator/camel-case offsets) instead of visiting every
//     byte. Rows with non-ASCII bytes, and patterns longer than 32 bytes
//     (where fuzzy's adjacency bonus can overflow), are scored by fuzzy;
//   - narrowing: a row matching "abc" also matches "ab" (fuzzy matches are
//     case-folded subsequences), so a query scores only the rows of the
//     best cached earlier result whose query is a subsequence of it, plus
//     rows appended since; a small cache of recent results (bounded in
//     bytes, 16 per match) makes backspace free or cheap;
//   - scoring chunks of candidates on GOMAXPROCS goroutines, and a stable
//     parallel counting sort on the small-range scores (a comparison sort
//     when long queries spread scores widely).
//
// Memory: an index keeps twice the bytes of its rows (lowercased text
// and bonus marks) plus 48 bytes a row, and references (does not copy)
// the row strings; results hold a row and a score per match, and the
// cache keeps at most defaultCacheBytes of them besides the newest.
//
// Concurrency: all methods of *Index are safe for concurrent use. Search
// may run in a tea.Cmd goroutine while the screen reads an earlier result
// and while pages are Appended; a search sees the rows present when it
// started. A returned []Match is shared with
// the index's cache and with other callers of the same query: treat it as
// read-only. The index never modifies it after Search returns.
package fuzzyindex
