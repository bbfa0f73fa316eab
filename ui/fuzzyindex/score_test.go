package fuzzyindex

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sahilm/fuzzy"
)

// randomText draws n bytes from alphabet, which is chosen to make
// camel humps, separators, repeats and adjacency common.
func randomText(r *rand.Rand, n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

const testAlphabet = "abcAB-._ /\\xX0"

func TestScoreASCIIEqualsFuzzy(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pos := make([]int, 64)
	compared, matched := 0, 0
	for range 200000 {
		row := randomText(r, r.IntN(24), testAlphabet)
		q := randomText(r, 1+r.IntN(5), testAlphabet)
		p := prepareBatch([]string{row})[0]
		c := compile(q)
		want := fuzzy.Find(q, []string{row})
		score, ok := scoreASCII(&p, c.key, pos)
		compared++
		if ok != (len(want) == 1) {
			t.Fatalf("row %q query %q: matched=%v, fuzzy matched=%v", row, q, ok, len(want) == 1)
		}
		if !ok {
			continue
		}
		matched++
		if score != want[0].Score || !slices.Equal(pos[:len(c.key)], want[0].MatchedIndexes) {
			t.Fatalf("row %q query %q: got score %d pos %v, fuzzy %d %v",
				row, q, score, pos[:len(c.key)], want[0].Score, want[0].MatchedIndexes)
		}
	}
	if matched < compared/10 {
		t.Fatalf("only %d of %d random pairs matched: the test exercises too little", matched, compared)
	}
}

func TestOverflowingAdjacencyBonusMatchesFuzzy(t *testing.T) {
	// The adjacency bonus triples per adjacent character and wraps around
	// int64 after about 40; fuzzy then keeps stale offsets.
	var rows []string
	for n := 30; n <= 70; n += 4 {
		for _, tail := range []string{"", "a", " a", "xaxa", "b-a.a"} {
			rows = append(rows, strings.Repeat("a", n)+tail)
		}
	}
	ix := New(rows)
	for n := 28; n <= 72; n++ {
		q := strings.Repeat("a", n)
		requireSameAsFuzzy(t, ix, rows, q, ix.Search(q))
	}
}

// TestASCIIRowWithEveryMaskBitIsScoredFast: a row holding every byte class
// is still ASCII (it gets data), so it is scored by the fast scorer.
func TestASCIIRowWithEveryMaskBitIsScoredFast(t *testing.T) {
	var all []byte
	for b := byte(0x20); b < 0x7f; b++ {
		all = append(all, b)
	}
	rows := []string{string(all), "Ünïcode"}
	ix := New(rows)
	if ix.rows[0].wide() || !ix.rows[1].wide() {
		t.Fatalf("wide: ASCII row %v, non-ASCII row %v", ix.rows[0].wide(), ix.rows[1].wide())
	}
	for _, q := range []string{"a", "z~", "09", "ü"} {
		requireSameAsFuzzy(t, ix, rows, q, ix.Search(q))
	}
}
