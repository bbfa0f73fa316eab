package fuzzyindex

import (
	"strings"
	"testing"
)

// FuzzSearchEquivalence checks Search against fuzzy.Find on small inputs:
// a cold query, a longer query narrowed from it after an Append, and the
// first query again (served from the cache, extended by the new rows).
// rows is newline-separated; the first half is indexed before the Append.
func FuzzSearchEquivalence(f *testing.F) {
	f.Add("fin-ws-0142.corp.contoso.com\nHR-LT-0001 VIP\nsqlSrv_01", "fi", "n")
	f.Fuzz(func(t *testing.T, rowsBlob, query, extra string) {
		rows := strings.Split(rowsBlob, "\n")
		if len(rows) > 64 || len(query) > 32 || len(extra) > 32 {
			t.Skip("keep inputs small: fuzzy.Find is the slow oracle")
		}
		half := len(rows) / 2
		ix := New(rows[:half])
		requireSameAsFuzzy(t, ix, rows[:half], query, ix.Search(query))
		ix.Append(rows[half:])
		requireSameAsFuzzy(t, ix, rows, query+extra, ix.Search(query+extra))
		requireSameAsFuzzy(t, ix, rows, query, ix.Search(query))
		if ix.Len() != len(rows) {
			t.Fatalf("Len() = %d, want %d", ix.Len(), len(rows))
		}
	})
}
