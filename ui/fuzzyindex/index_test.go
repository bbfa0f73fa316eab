package fuzzyindex

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/sahilm/fuzzy"
)

// requireSameAsFuzzy fails unless got equals fuzzy.Find(query, rows)
// in set, order and scores, and ix.Positions gives fuzzy's offsets.
func requireSameAsFuzzy(t testing.TB, ix *Index, rows []string, query string, got []Match) {
	t.Helper()
	want := fuzzy.Find(query, rows)
	if len(got) != len(want) {
		t.Fatalf("query %q: %d matches, fuzzy.Find has %d", query, len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		pos := ix.Positions(g.Row, query)
		if g.Row != w.Index || g.Score != w.Score || !slices.Equal(pos, w.MatchedIndexes) {
			t.Fatalf("query %q, result %d: got row %d score %d pos %v; fuzzy row %d score %d pos %v",
				query, i, g.Row, g.Score, pos, w.Index, w.Score, w.MatchedIndexes)
		}
	}
}

func TestEmptyQueryReturnsNil(t *testing.T) {
	ix := New([]string{"alpha", "beta"})
	if got := ix.Search(""); got != nil {
		t.Fatalf("Search(\"\") = %v, want nil", got)
	}
}

func TestSearchEqualsFuzzyOnRandomRows(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	rows := make([]string, 3000)
	for i := range rows {
		rows[i] = randomText(r, r.IntN(30), testAlphabet)
	}
	ix := New(rows)
	for range 300 {
		q := randomText(r, 1+r.IntN(6), testAlphabet)
		requireSameAsFuzzy(t, ix, rows, q, ix.Search(q))
	}
}

func TestSearchEqualsFuzzyOnDevicesWhileTyping(t *testing.T) {
	rows := syntheticDevices(5000, 1)
	ix := New(rows)
	// Typing, backspacing and retyping exercises narrowing and the cache.
	for _, word := range []string{"fin-ws-01", "contoso", "10.1", "vip", "Tier0 Eng", "ffff", "dc sql", "zzz"} {
		for n := 1; n <= len(word); n++ {
			requireSameAsFuzzy(t, ix, rows, word[:n], ix.Search(word[:n]))
		}
		for n := len(word) - 1; n >= 1; n-- {
			requireSameAsFuzzy(t, ix, rows, word[:n], ix.Search(word[:n]))
		}
	}
}

func TestEveryWorkerCountGivesFuzzyOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	rows := make([]string, 5000)
	for i := range rows {
		rows[i] = randomText(r, r.IntN(40), "abcdef-. A")
	}
	for _, workers := range []int{1, 2, 5} {
		ix := New(rows)
		ix.workers = workers
		for _, q := range []string{"a", "b-", "ace", "a.b c", "fed"} {
			requireSameAsFuzzy(t, ix, rows, q, ix.Search(q))
		}
	}
}

func TestLongAdjacentQueriesKeepExactOrder(t *testing.T) {
	// Fully adjacent long matches earn adjacency bonuses that grow
	// threefold per character, so scores spread too widely for counting.
	r := rand.New(rand.NewPCG(11, 12))
	const word = "abcdefghijklmnop"
	rows := make([]string, 6000)
	for i := range rows {
		cut := 1 + r.IntN(len(word))
		rows[i] = randomText(r, r.IntN(6), "xy-") + word[:cut] + randomText(r, r.IntN(6), "x.") + word[cut:]
	}
	ix := New(rows)
	for n := 1; n <= len(word); n++ {
		requireSameAsFuzzy(t, ix, rows, word[:n], ix.Search(word[:n]))
	}
}

func TestCaseAndFoldingDoNotChangeResults(t *testing.T) {
	rows := []string{"KelvinHost", "kiosk-01", "Ksrv", "\u212Aelvin sign", "straße", "ſsh-host", "SSH-HOST", "plain"}
	ix := New(rows)
	for _, q := range []string{"k", "K", "\u212A", "s", "S", "ſ", "ß", "ssh", "ſSH", "ke", "\u212Ae", "é", "\xff"} {
		requireSameAsFuzzy(t, ix, rows, q, ix.Search(q))
	}
}

func TestNULAndNonASCIIRowsMatchFuzzy(t *testing.T) {
	rows := []string{"abc\x00def", "\x00abc", "Ünïcode-Host", "日本語-ws", "bad\xffutf8", "ab\x00", "a\u212Ab"}
	ix := New(rows)
	for _, q := range []string{"a", "ad", "abc", "ü", "host", "日", "ws", "\xff", "b\x00", "\x00", "ak", "utf"} {
		requireSameAsFuzzy(t, ix, rows, q, ix.Search(q))
	}
}

func TestAppendExtendsResultsFromCache(t *testing.T) {
	all := syntheticDevices(9000, 2)
	ix := New(all[:3000])
	requireSameAsFuzzy(t, ix, all[:3000], "eng", ix.Search("eng"))
	requireSameAsFuzzy(t, ix, all[:3000], "engw", ix.Search("engw"))
	ix.Append(all[3000:6000])
	if ix.Len() != 6000 {
		t.Fatalf("Len() = %d after append, want 6000", ix.Len())
	}
	requireSameAsFuzzy(t, ix, all[:6000], "eng", ix.Search("eng")) // cached, extended by new rows
	requireSameAsFuzzy(t, ix, all[:6000], "engws", ix.Search("engws"))
	ix.Append(all[6000:])
	ix.Append(nil)
	requireSameAsFuzzy(t, ix, all, "engw", ix.Search("engw"))
}

func TestAppendDoesNotChangeEarlierResult(t *testing.T) {
	all := syntheticDevices(4000, 3)
	ix := New(all[:2000])
	before := ix.Search("sql")
	snapshot := slices.Clone(before)
	ix.Append(all[2000:])
	after := ix.Search("sql")
	if !slices.EqualFunc(before, snapshot, func(a, b Match) bool {
		return a == b
	}) {
		t.Fatal("an earlier result changed after Append")
	}
	requireSameAsFuzzy(t, ix, all, "sql", after)
}

func TestPositionsMatchesSearch(t *testing.T) {
	rows := append(syntheticDevices(500, 4), "Ünïcode-Host")
	ix := New(rows)
	for _, q := range []string{"f", "fin0", "corpvip", "host"} {
		want := fuzzy.Find(q, rows)
		for i, m := range ix.Search(q) {
			if got := ix.Positions(m.Row, q); !slices.Equal(got, want[i].MatchedIndexes) {
				t.Fatalf("Positions(%d, %q) = %v, fuzzy gives %v", m.Row, q, got, want[i].MatchedIndexes)
			}
		}
	}
	if ix.Positions(-1, "f") != nil || ix.Positions(len(rows), "f") != nil || ix.Positions(0, "") != nil {
		t.Fatal("Positions out of range or for an empty query must be nil")
	}
	if ix.Positions(0, "qqqqqq") != nil {
		t.Fatal("Positions of a non-matching row must be nil")
	}
}

func TestConcurrentSearchAndAppend(t *testing.T) {
	all := syntheticDevices(9000, 5)
	ix := New(all[:4000])
	queries := []string{"f", "fi", "fin", "fin-", "fin-w", "s", "sq", "sql", "10.", "vip"}
	var wg sync.WaitGroup
	results := make([][][]Match, 4)
	for g := range results {
		wg.Go(func() {
			for i := range 40 {
				results[g] = append(results[g], ix.Search(queries[(i+g)%len(queries)]))
			}
		})
	}
	wg.Go(func() {
		for i := 4000; i < len(all); i += 1000 {
			ix.Append(all[i : i+1000])
		}
	})
	wg.Wait()
	// Every result must be fuzzy.Find over some prefix that was indexed.
	oracle := map[string][]fuzzy.Matches{}
	for _, q := range queries {
		for n := 4000; n <= len(all); n += 1000 {
			oracle[q] = append(oracle[q], fuzzy.Find(q, all[:n]))
		}
	}
	for g, rs := range results {
		for i, got := range rs {
			q := queries[(i+g)%len(queries)]
			if !equalsOneOf(oracle[q], got) {
				t.Fatalf("goroutine %d search %d (%q): result is not fuzzy.Find over any indexed prefix", g, i, q)
			}
		}
	}
	requireSameAsFuzzy(t, ix, all, "fin-w", ix.Search("fin-w"))
}

// equalsOneOf reports whether got equals one of the fuzzy results.
func equalsOneOf(wants []fuzzy.Matches, got []Match) bool {
	for _, want := range wants {
		if len(want) != len(got) {
			continue
		}
		same := true
		for i := range want {
			if want[i].Index != got[i].Row || want[i].Score != got[i].Score {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

func TestCacheEvictsBeyondBounds(t *testing.T) {
	c := newResultCache(3, 100) // bytes: 20 per match
	for i := range 5 {
		c.put(&result{key: fmt.Sprint(i), folds: true, rows: make([]int32, 1), matches: make([]Match, 1)})
	}
	if len(c.entries) != 3 || c.entries[0].key != "2" {
		t.Fatalf("after 5 puts with room for 3: %d entries, oldest %q", len(c.entries), c.entries[0].key)
	}
	c.put(&result{key: "big", folds: true, rows: make([]int32, 5), matches: make([]Match, 5)})
	if len(c.entries) != 1 || c.entries[0].key != "big" {
		t.Fatalf("a result over the match budget must evict the rest, have %d entries", len(c.entries))
	}
}

func TestCacheBaseChoosesSmallestSuperset(t *testing.T) {
	c := newResultCache(10, 1000)
	c.put(&result{key: "a", folds: true, covered: 100, rows: make([]int32, 90)})
	c.put(&result{key: "ab", folds: true, covered: 100, rows: make([]int32, 40)})
	c.put(&result{key: "zb", folds: true, covered: 100, rows: make([]int32, 1)})
	got := c.base(compile("aXbc"), 100)
	if got == nil || got.key != "ab" {
		t.Fatalf("base for %q = %+v, want the \"ab\" entry", "aXbc", got)
	}
	if got := c.base(compile("q"), 100); got != nil {
		t.Fatalf("base for an unrelated query = %q, want nil", got.key)
	}
}

func TestBackspaceIsServedFromCache(t *testing.T) {
	ix := New(syntheticDevices(3000, 6))
	first := ix.Search("fin")
	ix.Search("fin-")
	again := ix.Search("fin")
	if len(first) == 0 || &first[0] != &again[0] {
		t.Fatal("repeating a recent query must return the cached result, not recompute it")
	}
	ix.Append(syntheticDevices(10, 7))
	if extended := ix.Search("fin"); len(extended) > 0 && &extended[0] == &first[0] {
		t.Fatal("after Append the cached result must be extended, not returned as is")
	}
}

// TestCacheStaysWithinItsByteBudget: broad queries over a large index do
// not pile up results beyond the budget (the newest is always kept).
func TestCacheStaysWithinItsByteBudget(t *testing.T) {
	ix := New(syntheticDevices(60_000, 8))
	for _, q := range []string{"a", "e", "i", "o", "c", "s", "t", "n", "r", "1", "0", "."} {
		if len(ix.Search(q)) == 0 {
			t.Fatalf("%q matched nothing", q)
		}
		total := 0
		for _, e := range ix.cache.entries {
			total += resultBytes(e)
		}
		newest := resultBytes(ix.cache.entries[len(ix.cache.entries)-1])
		if total > max(defaultCacheBytes, newest) {
			t.Fatalf("after %q the cache holds %d bytes, budget %d", q, total, defaultCacheBytes)
		}
	}
}
