package cli

import (
	"fmt"

	"mdlr/api"
	"mdlr/state"
)

// tracker turns successive ActionViews into events: one per command state
// change and one per result, each reported once.
type tracker struct {
	rep      *reporter
	status   string
	commands map[int]state.CommandState
	results  map[int]bool
	fetchErr map[int]string
}

func newTracker(rep *reporter) *tracker {
	return &tracker{rep: rep, commands: map[int]state.CommandState{}, results: map[int]bool{}, fetchErr: map[int]string{}}
}

func (t *tracker) report(v state.ActionView) {
	if v.Status != t.status {
		t.status = v.Status
		t.rep.event(map[string]any{"event": "status", "actionId": v.ActionID, "status": v.Status, "explain": v.Explain})
		line := "action " + v.ActionID + ": " + v.Status
		if v.Explain != "" {
			line += " — " + v.Explain
		}
		t.rep.progressf("%s", line)
	}
	for _, c := range v.Commands {
		if t.commands[c.Index] != c.State {
			t.commands[c.Index] = c.State
			ev := map[string]any{"event": "command", "index": c.Index, "type": c.Type, "target": c.Target, "status": string(c.State)}
			if len(c.Errors) > 0 {
				ev["errors"] = c.Errors
			}
			t.rep.event(ev)
			line := fmt.Sprintf("  [%d] %-9s %s: %s", c.Index, c.Type, c.Target, c.State)
			if len(c.Errors) > 0 {
				line += " — " + c.Errors[0]
			}
			t.rep.progressf("%s", line)
		}
		t.reportResult(c)
	}
}

func (t *tracker) reportResult(c state.CommandView) {
	if t.results[c.Index] {
		return
	}
	switch {
	case c.Type == api.CommandRunScript && c.Result != nil:
		t.results[c.Index] = true
		r := c.Result
		t.rep.event(map[string]any{"event": "result", "index": c.Index, "type": api.CommandRunScript,
			"script": r.ScriptName, "exitCode": r.ExitCode, "output": r.ScriptOutput, "errors": r.ScriptErrors})
		if !t.rep.json {
			t.rep.progressf("  [%d] %s exited with code %d; output:", c.Index, r.ScriptName, r.ExitCode)
			t.rep.block(t.rep.stdout, r.ScriptOutput)
			if r.ScriptErrors != "" {
				t.rep.progressf("  [%d] errors:", c.Index)
				t.rep.block(t.rep.stderr, r.ScriptErrors)
			}
		}
	case c.Type == api.CommandGetFile && c.File != nil:
		t.results[c.Index] = true
		f := c.File
		t.rep.event(map[string]any{"event": "result", "index": c.Index, "type": api.CommandGetFile,
			"path": f.Path, "sha256": f.SHA256, "bytes": f.Bytes, "devicePath": c.Target})
		t.rep.progressf("  [%d] saved %s (%d bytes, sha256 %s)", c.Index, f.Path, f.Bytes, f.SHA256)
	case c.FetchErr != "" && c.FetchErr != t.fetchErr[c.Index]:
		t.fetchErr[c.Index] = c.FetchErr
		t.rep.progressf("  [%d] result not fetched yet: %s", c.Index, c.FetchErr)
	}
}
