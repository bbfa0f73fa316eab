package state

import (
	"time"

	"mdlr/api"
)

// viewLocked builds the view of a tracked entry. Caller holds e.mu.
func (e *Engine) viewLocked(t *tracked, now time.Time) ActionView {
	en := t.entry
	var v ActionView
	if en.Action != nil && en.Action.ID != "" {
		v = ViewFor(*en.Action, en.Device, now, e.opts.QueueWindow)
		if len(v.Commands) == 0 { // 201 bodies sometimes come without commands
			v.Commands = planCommandViews(en.Plan)
		}
	} else {
		v = intentView(en)
	}
	if !en.Adopted {
		v.IntentID = en.IntentID
	}
	v.ActionID = en.ActionID
	v.OutDir = en.OutDir
	if v.DeviceID == "" {
		v.DeviceID = en.Device.ID
	}
	if v.DeviceName == "" {
		v.DeviceName = CleanText(en.Device.Name)
	}
	for i := range v.Commands {
		cv := &v.Commands[i]
		rec, ok := en.Result(cv.Index)
		if !ok {
			continue
		}
		if rec.File != nil {
			f := *rec.File
			cv.File = &f
		}
		if r := t.scripts[cv.Index]; r != nil {
			res := *r
			cv.Result = &res
		}
		if !rec.Fetched() {
			cv.FetchErr = CleanText(rec.LastError)
			if rec.GaveUp {
				cv.FetchErr = "gave up fetching the result: " + cv.FetchErr
			}
		}
	}
	v.Done = en.Phase.Finished()
	if v.Done && en.LastError != "" && en.Action != nil && !api.IsTerminalStatus(en.Action.Status) {
		v.Explain = "Stopped tracking: " + CleanText(en.LastError)
	}
	return v
}

// intentView is the view of an intent with no action (yet).
func intentView(en Entry) ActionView {
	v := ActionView{
		DeviceID:   en.Device.ID,
		DeviceName: CleanText(en.Device.Name),
		Comment:    CleanText(en.Request.Comment),
		Created:    en.CreatedAt,
		Updated:    en.UpdatedAt,
		Status:     StatusSubmitting,
		Commands:   planCommandViews(en.Plan),
	}
	switch en.Phase {
	case PhaseIntent:
		v.Explain = "Submitting to the service"
	case PhaseUnknown:
		v.Explain = "Submission outcome unknown: looking for the action on the service (it is never resubmitted)"
	case PhaseRejected:
		v.Status = StatusRejected
		v.Explain = "Rejected: " + CleanText(en.LastError)
		for i := range v.Commands {
			v.Commands[i].State = CmdNotRun
		}
	}
	return v
}

// planCommandViews lists a plan's commands as waiting.
func planCommandViews(p Plan) []CommandView {
	out := make([]CommandView, len(p.Commands))
	for i, c := range p.Commands {
		out[i] = CommandView{Index: i, Type: c.Type, Target: CleanText(c.Target()), State: CmdWaiting}
	}
	return out
}

// hasResult reports whether a command type produces a result to fetch.
func hasResult(commandType string) bool {
	return commandType == api.CommandRunScript || commandType == api.CommandGetFile
}

// pendingFetches lists the indexes of completed commands whose result is
// neither fetched nor given up.
func pendingFetches(en Entry) []api.CommandStatus {
	if en.Action == nil {
		return nil
	}
	var out []api.CommandStatus
	for _, c := range en.Action.Commands {
		if c.CommandStatus != api.CommandStatusCompleted || !hasResult(c.Command.Type) {
			continue
		}
		if rec, ok := en.Result(c.Index); ok && (rec.Fetched() || rec.GaveUp) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// isDone reports a terminal action whose results are all fetched or given up.
func isDone(en Entry) bool {
	return en.Action != nil && api.IsTerminalStatus(en.Action.Status) && len(pendingFetches(en)) == 0
}
