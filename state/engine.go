package state

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"mdlr/api"
)

// Statuses an ActionView carries before or instead of a service status.
const (
	StatusSubmitting = "Submitting" // intent written, action id not known yet
	StatusRejected   = "Rejected"   // the service refused the submission
)

// Engine defaults.
const (
	DefaultMinPoll = 3 * time.Second
	DefaultMaxPoll = 30 * time.Second
	// maxFetchTries bounds attempts to fetch one command's result.
	maxFetchTries = 8
	// resolveGrace is how long an intent of unknown outcome is searched for
	// before it is declared never submitted.
	resolveGrace = 5 * time.Minute
	// clockSkew widens the creation-time search window for unknown intents.
	clockSkew = 5 * time.Minute
	// listChunk is the most ids asked for in one list call.
	listChunk = 20
)

// EngineOptions configure an Engine. Zero values get defaults.
type EngineOptions struct {
	Tenant           string           // label recorded in the journal
	OutRoot          string           // default download root; per action OutRoot/<actionID>/ (default ".")
	Now              func() time.Time // clock (default time.Now)
	QueueWindow      time.Duration    // offline queue window (default 2h)
	MinPoll, MaxPoll time.Duration    // poll interval bounds (defaults 3s, 30s)
	// Identity names who the engine acts as, for the audit log (nil: not
	// recorded). It must never return a token or secret.
	Identity func(ctx context.Context) string
}

// ValidationError is returned by Submit for a plan with problems.
type ValidationError struct{ Problems []Problem }

// Error implements error.
func (v *ValidationError) Error() string {
	msgs := make([]string, len(v.Problems))
	for i, p := range v.Problems {
		if p.Index >= 0 {
			msgs[i] = fmt.Sprintf("command %d %s: %s", p.Index, p.Field, p.Message)
		} else {
			msgs[i] = p.Field + ": " + p.Message
		}
	}
	return "plan is not valid: " + strings.Join(msgs, "; ")
}

// tracked is the engine's in-memory copy of one journal entry.
type tracked struct {
	entry   Entry
	scripts map[int]*api.ScriptResult // fetched RunScript results
}

// Engine submits plans, tracks actions, fetches results and keeps the journal
// current. It is shared by the CLI and the console and is goroutine-safe; its
// mutex is never held across network or disk I/O.
type Engine struct {
	svc  api.Service
	j    *Journal
	opts EngineOptions

	pollMu sync.Mutex // serializes poll rounds (and so result fetches)

	mu       sync.Mutex
	byIntent map[string]*tracked
	inflight map[string]bool // intents whose Submit call is running
	interval time.Duration   // last planned poll interval
	audit    *AuditLog       // audit.jsonl in the journal directory
	auditErr error           // last failure to record an outcome
}

// NewEngine returns an engine over svc recording into j.
func NewEngine(svc api.Service, j *Journal, opts EngineOptions) *Engine {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.QueueWindow <= 0 {
		opts.QueueWindow = DefaultQueueWindow
	}
	if opts.MinPoll <= 0 {
		opts.MinPoll = DefaultMinPoll
	}
	if opts.MaxPoll <= 0 {
		opts.MaxPoll = DefaultMaxPoll
	}
	opts.MaxPoll = max(opts.MaxPoll, opts.MinPoll)
	if opts.OutRoot == "" {
		opts.OutRoot = "."
	}
	e := &Engine{svc: svc, j: j, opts: opts, byIntent: map[string]*tracked{}, inflight: map[string]bool{}}
	if j != nil {
		e.audit = NewAuditLog(j.Dir(), func() time.Time { return e.now() })
	}
	return e
}

// Submit validates the plan (without the library check), writes the intent
// to the journal, submits it and records the action id. A definite rejection
// by the service marks the intent rejected; a failure after sending marks it
// unknown, and later polls search for the action instead of resubmitting.
// outDir is where GetFile results go ("" means OutRoot/<actionID>).
// On error the returned view, when it has an IntentID, shows the recorded state.
func (e *Engine) Submit(ctx context.Context, p Plan, outDir string) (ActionView, error) {
	if probs := p.Validate(nil); len(probs) > 0 {
		return ActionView{}, &ValidationError{Problems: probs}
	}
	intentID, err := NewIntentID()
	if err != nil {
		return ActionView{}, fmt.Errorf("not submitted: %w", err)
	}
	req := p.Request()
	audit := AuditEntry{Kind: AuditSubmit, IntentID: intentID, DeviceID: p.Device.ID, DeviceName: p.Device.Name, Request: requestBody(req)}
	if err := e.auditIntent(ctx, audit); err != nil {
		return ActionView{}, err
	}
	entry, err := e.j.Create(Entry{
		IntentID:  intentID,
		CreatedAt: e.now(),
		Tenant:    e.opts.Tenant,
		Device:    p.Device,
		Plan:      p,
		Request:   req,
		OutDir:    outDir,
		Phase:     PhaseIntent,
	})
	if err != nil {
		audit.Result = AuditNotSent
		e.auditOutcome(ctx, audit, err)
		return ActionView{}, fmt.Errorf("not submitted: could not record the intent: %w", err)
	}
	e.put(entry)
	e.setInflight(entry.IntentID, true)
	defer e.setInflight(entry.IntentID, false)

	a, serr := e.svc.SubmitLiveResponse(ctx, p.Device.ID, entry.Request, entry.CreatedAt)
	if serr == nil && !validActionID(a.ID) {
		serr = fmt.Errorf("%w: the service returned an unusable action id %q", api.ErrOutcomeUnknown, CleanText(a.ID))
	}
	audit.ActionID = a.ID
	if serr != nil {
		audit.ActionID = ""
	}
	e.auditOutcome(ctx, audit, serr)
	if serr != nil {
		phase, msg := PhaseUnknown, "outcome unknown; mdlr will look for the action on the service and will not resubmit it"
		if isDefiniteRejection(serr) {
			phase, msg = PhaseRejected, "rejected by the service"
		}
		updated, jerr := e.j.Update(entry.IntentID, func(en *Entry) {
			en.Phase = phase
			en.LastError = serr.Error()
		})
		if jerr == nil {
			entry = updated
		} else {
			entry.Phase, entry.LastError = phase, serr.Error()
		}
		e.put(entry)
		return e.viewIntent(entry.IntentID), errors.Join(fmt.Errorf("submit: %s: %w", msg, serr), jerr)
	}
	updated, jerr := e.j.Update(entry.IntentID, func(en *Entry) { markSubmitted(en, a, e.opts.OutRoot) })
	if jerr != nil {
		markSubmitted(&entry, a, e.opts.OutRoot)
		updated = entry
		jerr = fmt.Errorf("action %s was submitted but the journal could not record it: %w", a.ID, jerr)
	}
	e.put(updated)
	return e.viewIntent(updated.IntentID), jerr
}

// markSubmitted records a known action on an entry.
func markSubmitted(en *Entry, a api.MachineAction, outRoot string) {
	en.Phase = PhaseSubmitted
	en.ActionID = a.ID
	en.Action = &a
	en.LastError = ""
	if en.OutDir == "" {
		en.OutDir = filepath.Join(outRoot, a.ID)
	}
}

// isDefiniteRejection reports an HTTP 4xx answer: the service received the
// request and refused it, so no action exists.
func isDefiniteRejection(err error) bool {
	if errors.Is(err, api.ErrOutcomeUnknown) {
		return false // the client could not tell, even if a follow-up call got a 4xx
	}
	var ae *api.Error
	return errors.As(err, &ae) && ae.StatusCode >= 400 && ae.StatusCode < 500 && ae.StatusCode != http.StatusRequestTimeout
}

// Track starts tracking an action that was not submitted here (it is
// journalled so that it can be reattached too).
func (e *Engine) Track(ctx context.Context, actionID string) (ActionView, error) {
	if !validActionID(actionID) {
		return ActionView{}, fmt.Errorf("invalid action id %q", actionID)
	}
	if v, ok := e.Action(actionID); ok {
		return v, nil
	}
	a, err := e.svc.GetMachineAction(ctx, actionID)
	if err != nil {
		return ActionView{}, fmt.Errorf("track %s: %w", actionID, err)
	}
	if a.ID != actionID {
		return ActionView{}, fmt.Errorf("track %s: the service returned action %q", actionID, CleanText(a.ID))
	}
	plan := Plan{Device: Device{ID: a.MachineID, Name: a.ComputerDNSName}, Comment: a.RequestorComment}
	req := api.RunLiveResponseRequest{Comment: a.RequestorComment}
	for _, c := range a.Commands {
		plan.Commands = append(plan.Commands, planCommandFrom(c.Command))
		req.Commands = append(req.Commands, c.Command)
	}
	entry := Entry{CreatedAt: e.now(), Tenant: e.opts.Tenant, Adopted: true, Device: plan.Device, Plan: plan, Request: req}
	markSubmitted(&entry, a, e.opts.OutRoot)
	entry, err = e.j.Create(entry)
	if err != nil {
		return ActionView{}, fmt.Errorf("track %s: %w", actionID, err)
	}
	e.put(entry)
	return e.viewIntent(entry.IntentID), nil
}

// maxHistory bounds how many finished actions Reattach loads for listing.
const maxHistory = 200

// Reattach loads unfinished journal entries into tracking. Intents whose
// outcome is unknown are resolved by searching the service's machine
// actions; they are never resubmitted.
func (e *Engine) Reattach(ctx context.Context) ([]ActionView, []error) {
	all, errs := e.j.List()
	var entries []Entry
	finished := 0
	sort.Slice(all, func(a, b int) bool { return all[a].CreatedAt.After(all[b].CreatedAt) })
	for _, en := range all {
		if !en.Phase.Finished() {
			entries = append(entries, en)
			continue
		}
		// Finished actions are listed (newest first, bounded) but not polled.
		if finished < maxHistory {
			finished++
			entries = append(entries, en)
		}
	}
	for _, en := range entries {
		t := &tracked{entry: en, scripts: map[int]*api.ScriptResult{}}
		for _, r := range en.Results {
			// Outputs of finished actions stay on disk until asked for (ScriptOutput).
			if r.ResultFile == "" || en.Phase.Finished() {
				continue
			}
			res, err := e.j.LoadScriptResult(en.ActionID, r.Index)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			t.scripts[r.Index] = &res
		}
		e.mu.Lock()
		if _, ok := e.byIntent[en.IntentID]; !ok {
			e.byIntent[en.IntentID] = t
		}
		e.mu.Unlock()
	}
	var views []ActionView
	for _, en := range entries {
		if en.Phase.Finished() {
			continue
		}
		if en.Phase == PhaseIntent || en.Phase == PhaseUnknown {
			if _, _, err := e.resolve(ctx, en); err != nil {
				errs = append(errs, err)
			}
		}
		views = append(views, e.viewIntent(en.IntentID))
	}
	return views, errs
}

// Actions returns every tracked action, newest first.
func (e *Engine) Actions() []ActionView {
	e.mu.Lock()
	ids := make([]*tracked, 0, len(e.byIntent))
	for _, t := range e.byIntent {
		ids = append(ids, t)
	}
	sort.Slice(ids, func(a, b int) bool {
		if !ids[a].entry.CreatedAt.Equal(ids[b].entry.CreatedAt) {
			return ids[a].entry.CreatedAt.After(ids[b].entry.CreatedAt)
		}
		return ids[a].entry.IntentID > ids[b].entry.IntentID
	})
	now := e.opts.Now()
	out := make([]ActionView, len(ids))
	for i, t := range ids {
		out[i] = e.viewLocked(t, now)
	}
	e.mu.Unlock()
	return out
}

// Action returns the tracked action with that id.
func (e *Engine) Action(actionID string) (ActionView, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.byActionLocked(actionID)
	if t == nil {
		return ActionView{}, false
	}
	return e.viewLocked(t, e.opts.Now()), true
}

// Cancel asks the service to cancel an action. A comment is required.
func (e *Engine) Cancel(ctx context.Context, actionID, comment string) (ActionView, error) {
	if !validActionID(actionID) {
		return ActionView{}, fmt.Errorf("invalid action id %q", actionID)
	}
	if strings.TrimSpace(comment) == "" {
		return ActionView{}, errors.New("cancel: a comment is required")
	}
	audit := AuditEntry{Kind: AuditCancel, ActionID: actionID, Comment: comment, Request: requestBody(api.CancelRequest{Comment: comment})}
	e.mu.Lock()
	if t := e.byActionLocked(actionID); t != nil {
		audit.IntentID, audit.DeviceID, audit.DeviceName = t.entry.IntentID, t.entry.Device.ID, t.entry.Device.Name
	}
	e.mu.Unlock()
	if err := e.auditIntent(ctx, audit); err != nil {
		return ActionView{}, fmt.Errorf("cancel %s: %w", actionID, err)
	}
	a, err := e.svc.CancelMachineAction(ctx, actionID, comment)
	e.auditOutcome(ctx, audit, err)
	if err != nil {
		return ActionView{}, fmt.Errorf("cancel %s: %w", actionID, err)
	}
	e.mu.Lock()
	t := e.byActionLocked(actionID)
	var intentID string
	if t != nil {
		intentID = t.entry.IntentID
	}
	e.mu.Unlock()
	if intentID == "" {
		return View(a, e.opts.Now()), nil
	}
	if a.ID == actionID {
		e.recordAction(intentID, a)
	}
	return e.viewIntent(intentID), nil
}

// ScriptOutput returns the full stored result of a RunScript command.
func (e *Engine) ScriptOutput(actionID string, index int) (api.ScriptResult, error) {
	e.mu.Lock()
	if t := e.byActionLocked(actionID); t != nil {
		if r := t.scripts[index]; r != nil {
			res := *r
			e.mu.Unlock()
			return res, nil
		}
	}
	e.mu.Unlock()
	return e.j.LoadScriptResult(actionID, index)
}

// now is the engine clock in UTC.
func (e *Engine) now() time.Time { return e.opts.Now().UTC() }

// put stores (or replaces) the in-memory copy of an entry.
func (e *Engine) put(en Entry) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t, ok := e.byIntent[en.IntentID]; ok {
		t.entry = en
		return
	}
	e.byIntent[en.IntentID] = &tracked{entry: en, scripts: map[int]*api.ScriptResult{}}
}

// byActionLocked finds a tracked entry by action id. Caller holds e.mu.
func (e *Engine) byActionLocked(actionID string) *tracked {
	if actionID == "" {
		return nil
	}
	for _, t := range e.byIntent {
		if t.entry.ActionID == actionID {
			return t
		}
	}
	return nil
}

// viewIntent returns the current view of a tracked intent.
func (e *Engine) viewIntent(intentID string) ActionView {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.byIntent[intentID]
	if !ok {
		return ActionView{IntentID: intentID}
	}
	return e.viewLocked(t, e.opts.Now())
}

// setInflight marks an intent whose submission is running, so that polls do
// not try to resolve it meanwhile.
func (e *Engine) setInflight(intentID string, on bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if on {
		e.inflight[intentID] = true
	} else {
		delete(e.inflight, intentID)
	}
}
