package actions

import (
	"fmt"
	"sort"
	"strings"

	"mdlr/api"
	"mdlr/state"
)

// row is one line of the table.
type row struct {
	view    state.ActionView
	tracked bool // the engine tracks it (journal)
}

// mergeRows lists every tracked action, then the recent API actions the
// engine does not track, newest first. mineOnly keeps API actions whose
// requestor is one recorded for a tracked action.
func mergeRows(tracked, recent []state.ActionView, mineOnly bool) []row {
	seen := map[string]bool{}
	mine := map[string]bool{}
	rows := make([]row, 0, len(tracked)+len(recent))
	for _, v := range tracked {
		rows = append(rows, row{view: v, tracked: true})
		if v.ActionID != "" {
			seen[v.ActionID] = true
		}
		if v.Requestor != "" {
			mine[strings.ToLower(v.Requestor)] = true
		}
	}
	for _, v := range recent {
		if seen[v.ActionID] {
			continue
		}
		if mineOnly && !mine[strings.ToLower(v.Requestor)] {
			continue
		}
		rows = append(rows, row{view: v})
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].view.Created.After(rows[j].view.Created) })
	return rows
}

// running reports whether an action can still be cancelled.
func running(v state.ActionView) bool {
	return v.ActionID != "" && (v.Status == api.StatusPending || v.Status == api.StatusInProgress)
}

// summary counts command states, e.g. "3 cmds: 2 done, 1 failed".
func summary(cmds []state.CommandView) string {
	if len(cmds) == 0 {
		return "no cmds"
	}
	counts := map[state.CommandState]int{}
	for _, c := range cmds {
		counts[c.State]++
	}
	noun := "cmds"
	if len(cmds) == 1 {
		noun = "cmd"
	}
	var parts []string
	for _, s := range []struct {
		st   state.CommandState
		word string
	}{{state.CmdCompleted, "done"}, {state.CmdRunning, "running"}, {state.CmdWaiting, "waiting"},
		{state.CmdFailed, "failed"}, {state.CmdStopped, "stopped"}, {state.CmdNotRun, "not run"}} {
		if n := counts[s.st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s.word))
		}
	}
	return fmt.Sprintf("%d %s: %s", len(cmds), noun, strings.Join(parts, ", "))
}
