package devices

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"mdlr/api"
)

func bigFleet(n int) []api.Machine {
	oss := []string{"Windows11", "Windows10", "WindowsServer2022", "Linux", "macOS"}
	health := []string{"Active", "Active", "Active", "Inactive", "ImpairedCommunication"}
	fleet := make([]api.Machine, n)
	for i := range fleet {
		fleet[i] = machine(i, fmt.Sprintf("%s-%s-%06d.corp%d.contoso.local",
			[]string{"win", "srv", "lnx", "mac"}[i%4], []string{"fin", "hr", "eng", "ops", "lab"}[i%5], i, i%7),
			oss[i%len(oss)], health[i%len(health)])
		fleet[i].MachineTags = []string{fmt.Sprintf("site%d", i%40), "tier2"}
		fleet[i].RBACGroupName = fmt.Sprintf("Group %d", i%25)
	}
	return fleet
}

func benchModel(b *testing.B, n int) *Model {
	f := &fakeAPI{fleet: bigFleet(n)}
	m := New(newCommon(f))
	m.FreezeSpinner()
	m.SetSize(100, 30)
	t := &testing.T{}
	drain(t, m, m.Init())
	if len(m.rows) != n {
		b.Fatalf("loaded %d rows", len(m.rows))
	}
	return m
}

// BenchmarkView100k renders one frame with 100,000 devices loaded.
func BenchmarkView100k(b *testing.B) {
	m := benchModel(b, 100000)
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkFilterKeystroke types one more character of a 1..12 character
// query and renders the frame, cycling through distinct queries; it also
// reports the median keystroke-to-frame time.
func BenchmarkFilterKeystroke(b *testing.B) {
	m := benchModel(b, 100000)
	parts := []string{"win", "srv", "lnx", "mac", "fin", "eng", "ops", "lab", "hr-", "cor"}
	cycle := 0
	query := ""
	m.Update(press('/', "/"))
	i := 0
	var took []time.Duration
	b.ResetTimer()
	for b.Loop() {
		if i == len(query) { // a new, different 12-character query each cycle
			m.input.SetValue("")
			m.query = ""
			m.search()
			query = fmt.Sprintf("%s%09d", parts[cycle%len(parts)], (cycle*7919)%1000000000)
			cycle++
			i = 0
		}
		r := rune(query[i])
		start := time.Now()
		m.Update(press(r, string(r)))
		_ = m.View()
		took = append(took, time.Since(start))
		i++
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2])/1e6, "median-ms")
}
