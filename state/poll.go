package state

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"mdlr/api"
)

// PollResult is the outcome of one poll round.
type PollResult struct {
	Changed []ActionView  // actions whose view changed this round
	Next    time.Duration // when to poll again
	Budget  api.Budget    // API budget left after the round
}

// round collects what one poll round did.
type round struct {
	changed    map[string]bool // intent ids whose view changed
	progress   bool            // something moved forward (drives the interval)
	errs       []error
	retryAfter time.Duration
	skipped    bool // a call was deferred for lack of budget
}

func (r *round) fail(err error) {
	r.errs = append(r.errs, err)
	r.retryAfter = max(r.retryAfter, api.RetryAfter(err))
}

// Poll runs one round for every unfinished tracked action: it resolves
// intents of unknown outcome, refreshes statuses (one GET for a single
// action, else list calls of up to 20 ids), fetches every newly completed
// RunScript/GetFile result, and marks finished actions done. Errors of single
// calls are joined in the error; the result is valid either way.
func (e *Engine) Poll(ctx context.Context) (PollResult, error) {
	e.pollMu.Lock()
	defer e.pollMu.Unlock()
	r := &round{changed: map[string]bool{}}

	for _, en := range e.unfinished() {
		if en.Phase == PhaseIntent || en.Phase == PhaseUnknown {
			if !e.haveBudget(1) {
				r.skipped = true
				continue
			}
			_, changed, err := e.resolve(ctx, en)
			if err != nil {
				r.fail(err)
			}
			if changed {
				r.changed[en.IntentID] = true
				r.progress = true
			}
		}
	}
	e.refresh(ctx, r)
	for _, en := range e.unfinished() {
		if en.Phase == PhaseSubmitted {
			e.fetchResults(ctx, en, r)
		}
	}
	for _, en := range e.unfinished() {
		if en.Phase == PhaseSubmitted && isDone(en) {
			e.update(en.IntentID, func(x *Entry) { x.Phase = PhaseDone }, r)
			r.changed[en.IntentID] = true
			r.progress = true
		}
	}
	return e.finishRound(r), errors.Join(r.errs...)
}

// finishRound plans the next interval and collects changed views.
func (e *Engine) finishRound(r *round) PollResult {
	rest := e.unfinished()
	calls, allQueued := 0, len(rest) > 0
	now := e.opts.Now()
	statusIDs := 0
	for _, en := range rest {
		switch {
		case en.Phase == PhaseIntent || en.Phase == PhaseUnknown:
			calls++
			allQueued = false
		case en.Action == nil || !api.IsTerminalStatus(en.Action.Status):
			statusIDs++
		}
		calls += len(pendingFetches(en))
		if len(pendingFetches(en)) > 0 || en.Action == nil || en.Action.Status != api.StatusPending ||
			anyStarted(en.Action.Commands) || now.Sub(en.CreatedAt) < freshQueueGrace {
			allQueued = false
		}
	}
	calls += (statusIDs + listChunk - 1) / listChunk
	budget := e.svc.Budget()
	res := PollResult{Budget: budget}
	e.mu.Lock()
	res.Next = nextInterval(intervalInput{
		Changed: r.progress, AllQueued: allQueued, Prev: e.interval,
		RetryAfter: r.retryAfter, Calls: calls, Budget: budget,
		Min: e.opts.MinPoll, Max: e.opts.MaxPoll,
	})
	if len(rest) == 0 {
		res.Next = max(res.Next, e.opts.MaxPoll)
	}
	e.interval = res.Next
	for id := range r.changed {
		if t, ok := e.byIntent[id]; ok {
			res.Changed = append(res.Changed, e.viewLocked(t, now))
		}
	}
	e.mu.Unlock()
	sortViewsNewestFirst(res.Changed)
	return res
}

// freshQueueGrace is how long a just-submitted Pending action is polled at
// the fast rate: most devices pick an action up within seconds.
const freshQueueGrace = time.Minute

// unfinished snapshots the tracked entries that are not finished.
func (e *Engine) unfinished() []Entry {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Entry
	for id, t := range e.byIntent {
		if !t.entry.Phase.Finished() && !e.inflight[id] {
			out = append(out, t.entry)
		}
	}
	return out
}

// haveBudget reports whether n more calls fit the process budget now.
func (e *Engine) haveBudget(n int) bool {
	b := e.svc.Budget()
	return b.MinuteRemaining >= n && b.HourRemaining >= n
}

// refresh re-reads the status of every submitted, non-terminal action.
func (e *Engine) refresh(ctx context.Context, r *round) {
	var ids []string
	for _, en := range e.unfinished() {
		if en.Phase == PhaseSubmitted && (en.Action == nil || !api.IsTerminalStatus(en.Action.Status) || len(en.Action.Commands) == 0) {
			ids = append(ids, en.ActionID)
		}
	}
	if len(ids) == 1 {
		if !e.haveBudget(1) {
			r.skipped = true
			return
		}
		a, err := e.svc.GetMachineAction(ctx, ids[0])
		if api.IsNotFound(err) {
			e.forget(ids[0], r)
		}
		if err != nil {
			r.fail(fmt.Errorf("refresh action %s: %w", ids[0], err))
			return
		}
		e.applyActions([]api.MachineAction{a}, r)
		return
	}
	for start := 0; start < len(ids); start += listChunk {
		chunk := ids[start:min(start+listChunk, len(ids))]
		if !e.haveBudget(1) {
			r.skipped = true
			return
		}
		filters := make([]string, len(chunk))
		for i, id := range chunk {
			filters[i] = api.Eq("id", id)
		}
		list, err := e.svc.ListMachineActions(ctx, api.ListOptions{Filter: api.Or(filters...), Top: len(chunk)})
		if err != nil {
			r.fail(fmt.Errorf("refresh %d actions: %w", len(chunk), err))
			continue
		}
		e.applyActions(list, r)
	}
}

// applyActions records fresh copies of tracked actions.
func (e *Engine) applyActions(list []api.MachineAction, r *round) {
	for _, a := range list {
		e.mu.Lock()
		t := e.byActionLocked(a.ID)
		var intentID string
		same := false
		if t != nil {
			intentID = t.entry.IntentID
			same = t.entry.Action != nil && sameAction(*t.entry.Action, a)
		}
		e.mu.Unlock()
		if intentID == "" || same {
			continue
		}
		e.update(intentID, func(x *Entry) { x.Action = &a }, r)
		r.changed[intentID] = true
		r.progress = true
	}
}

// recordAction stores a fresh copy of an action outside a round.
func (e *Engine) recordAction(intentID string, a api.MachineAction) {
	e.update(intentID, func(x *Entry) { x.Action = &a }, &round{changed: map[string]bool{}})
}

// update applies fn to the journal entry and the in-memory copy. A journal
// failure still updates memory and is reported in the round.
func (e *Engine) update(intentID string, fn func(*Entry), r *round) {
	updated, err := e.j.Update(intentID, fn)
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.byIntent[intentID]
	if !ok {
		return
	}
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("journal: %w", err))
		fn(&t.entry)
		return
	}
	t.entry = updated
}

// fetchResults fetches every pending result of one action, within budget.
func (e *Engine) fetchResults(ctx context.Context, en Entry, r *round) {
	for _, c := range pendingFetches(en) {
		if !e.haveBudget(1) {
			r.skipped = true
			return
		}
		rec, _ := en.Result(c.Index)
		rec.Index, rec.Type = c.Index, c.Command.Type
		rec.Tries++
		var script *api.ScriptResult
		var err error
		switch c.Command.Type {
		case api.CommandRunScript:
			script, err = e.fetchScript(ctx, en.ActionID, c.Index, &rec)
		case api.CommandGetFile:
			err = e.saveFile(ctx, en, c, &rec)
		}
		if err != nil {
			rec.LastError = err.Error()
			rec.GaveUp = rec.Tries >= maxFetchTries
			r.fail(fmt.Errorf("action %s command %d: %w", en.ActionID, c.Index, err))
		} else {
			rec.LastError = ""
			r.progress = true
		}
		if script != nil {
			e.mu.Lock()
			if t, ok := e.byIntent[en.IntentID]; ok {
				t.scripts[c.Index] = script
			}
			e.mu.Unlock()
		}
		e.update(en.IntentID, func(x *Entry) { x.setResult(rec) }, r)
		r.changed[en.IntentID] = true
	}
}

// fetchScript downloads a RunScript result and stores it in the journal.
func (e *Engine) fetchScript(ctx context.Context, actionID string, index int, rec *ResultRecord) (*api.ScriptResult, error) {
	res, err := e.svc.FetchScriptResult(ctx, actionID, index)
	if err != nil {
		return nil, fmt.Errorf("fetch script result: %w", err)
	}
	rel, err := e.j.SaveScriptResult(actionID, index, res)
	if err != nil {
		return nil, err
	}
	rec.ResultFile = rel
	code := res.ExitCode
	rec.ExitCode = &code
	return &res, nil
}

// saveFile downloads a GetFile result into the action's out dir under a safe
// name derived from the device path, never overwriting.
func (e *Engine) saveFile(ctx context.Context, en Entry, c api.CommandStatus, rec *ResultRecord) error {
	if en.OutDir == "" {
		return errors.New("no download folder for this action")
	}
	if err := os.MkdirAll(en.OutDir, 0o700); err != nil {
		return fmt.Errorf("create download folder: %w", err)
	}
	name := reserveEvidenceName(SafeLocalName(c.Command.Param(api.ParamPath)))
	// Best effort: a temp file left by a download killed mid-stream would
	// otherwise stay in the evidence folder for ever. A failure to remove
	// one does not stop this download.
	_, _ = removeStaleDownloads(en.OutDir, name)
	n := 1
	for attempt := 0; ; attempt++ {
		dest, next, err := freeLocalPath(en.OutDir, name, n)
		if err != nil {
			return err
		}
		saved, err := e.svc.SaveFileResult(ctx, en.ActionID, c.Index, dest)
		if errors.Is(err, fs.ErrExist) && attempt < 5 {
			n = next + 1 // someone took the name meanwhile: never overwrite
			continue
		}
		if err != nil {
			return fmt.Errorf("save file result: %w", err)
		}
		if saved.Path == "" {
			saved.Path = dest
		}
		rec.File = &saved
		// The file is kept (and not fetched again) even if the manifest
		// cannot be written; the error is shown with the result.
		return e.recordEvidence(en, c, saved)
	}
}

// sameAction compares two actions by their JSON form, so copies that went
// through the journal compare equal to fresh ones.
func sameAction(a, b api.MachineAction) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// forget stops tracking an action the service says does not exist.
func (e *Engine) forget(actionID string, r *round) {
	e.mu.Lock()
	t := e.byActionLocked(actionID)
	var intentID string
	if t != nil {
		intentID = t.entry.IntentID
	}
	e.mu.Unlock()
	if intentID == "" {
		return
	}
	e.update(intentID, func(x *Entry) {
		x.Phase = PhaseDone
		x.LastError = "the service no longer knows action " + actionID + " (deleted, or another tenant)"
	}, r)
	r.changed[intentID] = true
}
