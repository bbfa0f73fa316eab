package results

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/common"
)

func processList(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%6d  svchost.exe     C:\\Windows\\System32\\svchost.exe -k netsvcs\n", 1000+i)
		if i%7 == 3 {
			fmt.Fprintf(&b, "%6d  powershell.exe  powershell -enc SQBFAFgA\n", 5000+i)
		}
	}
	return b.String()
}

func openResult(t *testing.T, eng *fakeEngine, index int) *Model {
	t.Helper()
	m := newTestScreen(t, eng, t.TempDir())
	run(t, m, m.Update(common.NavigateMsg{To: common.ResultsScreen, ActionID: actionID, CommandIndex: index}))
	return m
}

func checkFrame(t *testing.T, m *Model) string {
	t.Helper()
	v := m.View()
	lines := strings.Split(v, "\n")
	if len(lines) != 30 {
		t.Fatalf("frame has %d lines, want 30", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != 100 {
			t.Fatalf("line %d is %d cells wide, want 100: %q", i, w, ansi.Strip(l))
		}
	}
	return ansi.Strip(v)
}

func TestStdoutGolden(t *testing.T) {
	m := openResult(t, scriptAction(processList(40), "warning: access denied to pid 4\n", 0), 0)
	golden.RequireEqual(t, []byte(checkFrame(t, m)))
}

func TestStderrGolden(t *testing.T) {
	m := openResult(t, scriptAction(processList(40), "warning: access denied to pid 4\nerror: \x1b[31mred\x1b[0m\n", 2), 0)
	press(m, tea.KeyTab, "")
	if m.stream != streamStderr {
		t.Fatalf("tab did not switch to stderr")
	}
	out := checkFrame(t, m)
	if !strings.Contains(out, "^[[31mred") {
		t.Fatalf("escape sequence not made inert:\n%s", out)
	}
	golden.RequireEqual(t, []byte(out))
}

func TestSearchFindsAndJumps(t *testing.T) {
	m := openResult(t, scriptAction(processList(200), "", 0), 0)
	press(m, '/', "/")
	if !m.Capturing() {
		t.Fatal("search prompt should capture keys")
	}
	typeText(m, "POWERSHELL")
	run(t, m, press(m, tea.KeyEnter, ""))
	want := 0
	for i := 0; i < 200; i++ {
		if i%7 == 3 {
			want += 2 // "powershell.exe  powershell -enc"
		}
	}
	res, cur := m.pagers[streamStdout].Search()
	if len(res.Matches) != want || cur != 0 {
		t.Fatalf("got %d matches (current %d), want %d (current 0)", len(res.Matches), cur, want)
	}
	for i := 0; i < 20; i++ {
		press(m, 'n', "n")
	}
	_, cur = m.pagers[streamStdout].Search()
	line := res.Matches[cur].Line
	if y := m.pagers[streamStdout].YOffset(); line < y || line >= y+26 {
		t.Fatalf("current match line %d not visible from offset %d", line, y)
	}
	press(m, 'N', "N")
	if _, c := m.pagers[streamStdout].Search(); c != cur-1 {
		t.Fatalf("N moved to %d, want %d", c, cur-1)
	}
	out := checkFrame(t, m)
	if !strings.Contains(out, fmt.Sprintf("match %d/%d", cur, want)) {
		t.Fatalf("footer does not show the match count:\n%s", out)
	}
	golden.RequireEqual(t, []byte(out))
}

func TestSearchNoMatches(t *testing.T) {
	m := openResult(t, scriptAction(processList(5), "", 0), 0)
	press(m, '/', "/")
	typeText(m, "mimikatz")
	run(t, m, press(m, tea.KeyEnter, ""))
	if out := checkFrame(t, m); !strings.Contains(out, `no matches for "mimikatz"`) {
		t.Fatalf("no-match note missing:\n%s", out)
	}
}

func TestGetFileGolden(t *testing.T) {
	m := openResult(t, scriptAction("", "", 0), 1)
	out := checkFrame(t, m)
	for _, want := range []string{"/out/7f3c/triage.zip", "1.5 MB", "ab12cd34", `C:\Windows\Temp\triage.zip`, "open the folder: /out/7f3c"} {
		if !strings.Contains(out, want) {
			t.Fatalf("GetFile view lacks %q:\n%s", want, out)
		}
	}
	golden.RequireEqual(t, []byte(out))
}

func TestNotFetchedYetThenPolled(t *testing.T) {
	eng := scriptAction("done\n", "", 0)
	stored := eng.outputs
	eng.outputs = nil
	m := openResult(t, eng, 0)
	if out := checkFrame(t, m); !strings.Contains(out, "result not fetched yet — it is fetched automatically when the command completes") {
		t.Fatalf("missing not-fetched text:\n%s", out)
	}
	eng.outputs = stored
	run(t, m, m.Update(common.PolledMsg{Result: state.PollResult{Changed: []state.ActionView{{ActionID: "other"}}}}))
	if m.result != nil {
		t.Fatal("a poll of another action must not reload")
	}
	run(t, m, m.Update(common.PolledMsg{Result: state.PollResult{Changed: []state.ActionView{{ActionID: actionID}}}}))
	if m.result == nil || m.result.ScriptOutput != "done\n" {
		t.Fatalf("result not loaded after poll: %+v", m.result)
	}
}

func TestUnknownActionSaysSo(t *testing.T) {
	m := newTestScreen(t, &fakeEngine{}, "")
	run(t, m, m.Update(common.NavigateMsg{To: common.ResultsScreen, ActionID: "nope", CommandIndex: 0}))
	if out := checkFrame(t, m); !strings.Contains(out, "not tracked") {
		t.Fatalf("missing error:\n%s", out)
	}
}

func TestSaveWritesNewFileAndNeverOverwrites(t *testing.T) {
	m := openResult(t, scriptAction("line one\nline two\n", "", 0), 0)
	press(m, 'w', "w")
	want := filepath.Join(m.c.OutRoot, actionID, "Get-ProcessList-0.txt")
	if got := m.input.Value(); got != want {
		t.Fatalf("default path %q, want %q", got, want)
	}
	run(t, m, press(m, tea.KeyEnter, ""))
	data, err := os.ReadFile(want)
	if err != nil || string(data) != "line one\nline two\n" {
		t.Fatalf("saved %q, %v", data, err)
	}
	if !strings.Contains(m.note, "saved") || !strings.Contains(m.note, want) {
		t.Fatalf("note %q does not say where", m.note)
	}
	press(m, 'w', "w")
	run(t, m, press(m, tea.KeyEnter, ""))
	if !m.noteErr || !strings.Contains(m.note, "a file with that name exists") {
		t.Fatalf("second save should refuse: %q", m.note)
	}
	if data2, _ := os.ReadFile(want); string(data2) != string(data) {
		t.Fatal("file was overwritten")
	}
}

func TestCopyUsesOSC52AndRefusesHuge(t *testing.T) {
	m := openResult(t, scriptAction("secret\x1b]52;c;evil\x07 text\n", "", 0), 0)
	cmd := press(m, 'y', "y")
	if cmd == nil || !strings.Contains(m.note, "OSC 52") {
		t.Fatalf("copy gave no command or note %q", m.note)
	}
	msg := cmd()
	if s := fmt.Sprintf("%v", msg); strings.Contains(s, "\x1b") {
		t.Fatalf("clipboard text not inert: %q", s)
	}
	big := openResult(t, scriptAction(strings.Repeat("x", MaxClipboardBytes+1), "", 0), 0)
	if cmd := press(big, 'y', "y"); cmd != nil || !big.noteErr {
		t.Fatalf("huge copy should be refused with a note, got note %q", big.note)
	}
}

func TestStaleLoadIsDropped(t *testing.T) {
	eng := scriptAction("first\n", "", 0)
	m := newTestScreen(t, eng, "")
	stale := m.Update(common.NavigateMsg{To: common.ResultsScreen, ActionID: actionID, CommandIndex: 0})
	run(t, m, m.Update(common.NavigateMsg{To: common.ResultsScreen, ActionID: actionID, CommandIndex: 1}))
	m.Update(stale())
	if m.cmd.Type != api.CommandGetFile {
		t.Fatalf("stale load replaced the newer one: %s", m.cmd.Type)
	}
}

func TestFitsSmallAndLargeWindows(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {250, 70}, {30, 8}} {
		for _, idx := range []int{0, 1} {
			m := openResult(t, scriptAction(processList(300)+strings.Repeat("w", 500)+"\n", "err\n", 1), idx)
			m.SetSize(size[0], size[1])
			for _, k := range []rune{0, '/', tea.KeyEscape, 'w'} {
				if k != 0 {
					press(m, k, "")
				}
				v := m.View()
				lines := strings.Split(v, "\n")
				if len(lines) != size[1] {
					t.Fatalf("%v: %d lines", size, len(lines))
				}
				for i, l := range lines {
					if w := ansi.StringWidth(l); w != size[0] {
						t.Fatalf("%v: line %d is %d wide: %q", size, i, w, ansi.Strip(l))
					}
				}
			}
		}
	}
}

func TestFailedAndNotRunCommandsSaySo(t *testing.T) {
	eng := scriptAction("", "", 0)
	eng.outputs = nil
	a := eng.actions[actionID]
	a.Commands[0].State = state.CmdFailed
	a.Commands[0].Errors = []string{"Script execution failed: \x1b[2Jboom"}
	eng.actions[actionID] = a
	m := openResult(t, eng, 0)
	out := checkFrame(t, m)
	if !strings.Contains(out, "The command failed on the device") || !strings.Contains(out, "error: Script execution failed: ^[[2Jboom") {
		t.Fatalf("failed command view:\n%s", out)
	}
	a.Commands[0].State = state.CmdNotRun
	m = openResult(t, eng, 0)
	if out := checkFrame(t, m); !strings.Contains(out, "This command did not run") {
		t.Fatalf("not-run view:\n%s", out)
	}
}
