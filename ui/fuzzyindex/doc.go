// Package fuzzyindex filters up to hundreds of thousands of rows with
// github.com/sahilm/fuzzy semantics fast enough to re-filter on every
// keystroke.
//
// Results are exactly those of fuzzy.Find(query, rows) in set, order
// (score descending, then row ascending), score and matched byte offsets.
// Nothing is approximated; the speed comes from:
//
//   - a per-row 64-bit mask of the bytes present, rejecting most rows with
//     one AND before any scanning;
//   - an ASCII scorer that reproduces fuzzy's scoring loop but jumps between
//     occurrences of the pattern's bytes with strings.IndexByte instead of
//     visiting every byte (rows with non-ASCII bytes use fuzzy itself);
//   - narrowing: a row matching "abc" also matches "ab" (and any query whose
//     case-folded runes are a subsequence of it), so a query is scored only
//     against the rows of the best cached earlier result plus rows appended
//     since; a small cache of recent results makes backspace free;
//   - scoring candidate chunks in parallel on GOMAXPROCS goroutines;
//   - a counting sort on the (small-range) scores instead of a comparison
//     sort, which keeps the order exact at O(n).
//
// Concurrency: all methods of *Index are safe for concurrent use; Search may
// run in a tea.Cmd goroutine while another goroutine calls Append or reads
// an earlier result. A returned []Match (and each Match.Positions) is
// shared with the index's cache and with other callers of the same query:
// treat it as read-only. It is never modified after Search returns.
package fuzzyindex
