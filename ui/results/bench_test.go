package results

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/common"
)

// bigOutput is 100,000 lines (about 12 MB) of process-list-like text.
func bigOutput() string {
	var b strings.Builder
	for i := 0; i < 100_000; i++ {
		fmt.Fprintf(&b, "%7d  %-20s C:\\Program Files\\Vendor %d\\bin\\service-host.exe --instance=%08x --log-level=info\n",
			i, fmt.Sprintf("proc-%d.exe", i%977), i%13, i*2654435761)
	}
	return b.String()
}

func bigScreen(b *testing.B, out string) *Model {
	eng := &fakeEngine{
		actions: map[string]state.ActionView{actionID: {ActionID: actionID, Commands: []state.CommandView{
			{Index: 0, Type: api.CommandRunScript, Target: "big.ps1", State: state.CmdCompleted}}}},
		outputs: map[int]api.ScriptResult{0: {ScriptName: "big.ps1", ScriptOutput: out}},
	}
	m := newTestScreen(b, eng, b.TempDir())
	cmd := m.Update(common.NavigateMsg{To: common.ResultsScreen, ActionID: actionID})
	m.Update(cmd())
	return m
}

// BenchmarkLoad100k measures the load Cmd (inert + split) plus installing it.
func BenchmarkLoad100k(b *testing.B) {
	out := bigOutput()
	b.SetBytes(int64(len(out)))
	b.ResetTimer()
	for b.Loop() {
		bigScreen(b, out)
	}
}

// BenchmarkScrollFrame100k measures one page-down key plus the frame it causes.
func BenchmarkScrollFrame100k(b *testing.B) {
	m := bigScreen(b, bigOutput())
	pgdn := tea.KeyPressMsg{Code: tea.KeyPgDown}
	home := tea.KeyPressMsg{Code: tea.KeyHome}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i%3000 == 0 {
			m.Update(home)
		}
		m.Update(pgdn)
		_ = m.View()
	}
}

// BenchmarkSearch100k measures a search over the whole output (it runs in a Cmd).
func BenchmarkSearch100k(b *testing.B) {
	m := bigScreen(b, bigOutput())
	lines := m.pagers[streamStdout].Content().Lines
	b.ResetTimer()
	for b.Loop() {
		msg := searchCmd(lines, "Service-Host", streamStdout, 1)().(searchedMsg)
		if len(msg.result.Matches) != 100_000 {
			b.Fatalf("matches %d", len(msg.result.Matches))
		}
	}
}

// BenchmarkNextMatchFrame100k measures n (next match) plus the frame, with 100,000 matches.
func BenchmarkNextMatchFrame100k(b *testing.B) {
	m := bigScreen(b, bigOutput())
	m.Update(searchCmd(m.pagers[streamStdout].Content().Lines, "proc-1", streamStdout, m.searchGen)())
	n := tea.KeyPressMsg{Code: 'n', Text: "n"}
	b.ResetTimer()
	for b.Loop() {
		m.Update(n)
		_ = m.View()
	}
}
