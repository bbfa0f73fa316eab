package fuzzyindex

import (
	"math/rand/v2"
	"slices"
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
