// Package statetest provides an in-memory fake of api.Service whose machine
// actions progress only when a test advances them, for tests of package
// state and its front ends.
package statetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"mdlr/api"
)

// Call is one recorded call of the fake.
type Call struct {
	Method string
	Arg    string // action id, machine id or filter, depending on the method
}

// Fake is an in-memory api.Service. Actions are created Pending with
// commands Created and move only through Start, Step, Fail, TimeOut and
// Cancel. It is goroutine-safe.
type Fake struct {
	mu      sync.Mutex
	now     func() time.Time
	actions map[string]*api.MachineAction
	nextID  int
	calls   []Call
	stamps  []time.Time // API call times, for the budget
	errs    map[string][]error

	// Library is returned by ListLibraryFiles.
	Library []api.LibraryFile
	// Machines are returned by the machine calls.
	Machines []api.Machine
	// BeforeSubmit, when set, runs at submission time before anything else
	// (a test can inspect the journal here); a non-nil error is returned
	// as the submission's result with no action created.
	BeforeSubmit func(machineID string, req api.RunLiveResponseRequest) error
	// LoseSubmitResponse makes the next submission create the action but
	// return a network error, as when the connection drops after sending.
	LoseSubmitResponse bool
	// ScriptOutput is the script_output returned for every RunScript result.
	ScriptOutput string
	// FileContent is written by SaveFileResult.
	FileContent []byte
	// BeforeSave, when set, runs in SaveFileResult before writing (a test
	// can create a competing file at destPath here).
	BeforeSave func(destPath string)
	// Limits are the budgets reported by Budget (zero: the documented defaults).
	Limits api.Limits
}

var _ api.Service = (*Fake)(nil)

// New returns a fake using clock now (nil: time.Now).
func New(now func() time.Time) *Fake {
	if now == nil {
		now = time.Now
	}
	return &Fake{now: now, actions: map[string]*api.MachineAction{}, errs: map[string][]error{},
		ScriptOutput: "hello from the device", FileContent: []byte("\x1f\x8bfake gzip")}
}

// FailNext makes the next call of method return err (errors queue up).
func (f *Fake) FailNext(method string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs[method] = append(f.errs[method], err)
}

// Calls returns the calls made so far.
func (f *Fake) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...)
}

// CallCount counts calls of method.
func (f *Fake) CallCount(method string) int {
	n := 0
	for _, c := range f.Calls() {
		if c.Method == method {
			n++
		}
	}
	return n
}

// ResetCalls forgets the recorded calls (not the budget).
func (f *Fake) ResetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = nil
}

// record logs a call, counts it against the budget and returns an injected
// error, if any. Caller holds f.mu.
func (f *Fake) record(method, arg string) error {
	f.calls = append(f.calls, Call{Method: method, Arg: arg})
	f.stamps = append(f.stamps, f.now())
	if q := f.errs[method]; len(q) > 0 {
		f.errs[method] = q[1:]
		return q[0]
	}
	return nil
}

// NotFound builds the service's 404 error.
func NotFound(what string) error {
	return &api.Error{StatusCode: http.StatusNotFound, Code: "ResourceNotFound", Message: what + " was not found"}
}

// Throttled builds the service's 429 error with a Retry-After.
func Throttled(retryAfter time.Duration) error {
	return &api.Error{StatusCode: http.StatusTooManyRequests, Code: "TooManyRequests", Message: "Too many requests", RetryAfter: retryAfter}
}

// Busy builds the 400 ActiveRequestAlreadyExists error.
func Busy() error {
	return &api.Error{StatusCode: http.StatusBadRequest, Code: "ActiveRequestAlreadyExists", Message: "Action is already in progress"}
}

// ListMachines implements api.Service.
func (f *Fake) ListMachines(ctx context.Context, opts api.ListOptions) ([]api.Machine, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("ListMachines", opts.Filter); err != nil {
		return nil, err
	}
	return append([]api.Machine(nil), f.Machines...), nil
}

// ListAllMachines implements api.Service (one page).
func (f *Fake) ListAllMachines(ctx context.Context, filter string, pageSize int, onPage func([]api.Machine) error) error {
	ms, err := f.ListMachines(ctx, api.ListOptions{Filter: filter})
	if err != nil {
		return err
	}
	return onPage(ms)
}

// GetMachine implements api.Service.
func (f *Fake) GetMachine(ctx context.Context, idOrName string) (api.Machine, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("GetMachine", idOrName); err != nil {
		return api.Machine{}, err
	}
	for _, m := range f.Machines {
		if m.ID == idOrName || strings.EqualFold(m.ComputerDNSName, idOrName) {
			return m, nil
		}
	}
	return api.Machine{}, NotFound("Machine " + idOrName)
}

// ListLibraryFiles implements api.Service.
func (f *Fake) ListLibraryFiles(ctx context.Context) ([]api.LibraryFile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("ListLibraryFiles", ""); err != nil {
		return nil, err
	}
	return append([]api.LibraryFile(nil), f.Library...), nil
}

// UploadLibraryFile implements api.Service.
func (f *Fake) UploadLibraryFile(ctx context.Context, req api.UploadRequest) (api.LibraryFile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("UploadLibraryFile", req.FileName); err != nil {
		return api.LibraryFile{}, err
	}
	lf := api.LibraryFile{FileName: req.FileName, Description: req.Description, CreationTime: f.now()}
	f.Library = append(f.Library, lf)
	return lf, nil
}

// DeleteLibraryFile implements api.Service.
func (f *Fake) DeleteLibraryFile(ctx context.Context, fileName string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("DeleteLibraryFile", fileName); err != nil {
		return err
	}
	for i, lf := range f.Library {
		if lf.FileName == fileName {
			f.Library = append(f.Library[:i], f.Library[i+1:]...)
			return nil
		}
	}
	return NotFound("File " + fileName)
}

// SubmitLiveResponse implements api.Service: it creates a Pending action,
// refusing a second live response on a busy device.
func (f *Fake) SubmitLiveResponse(ctx context.Context, machineID string, req api.RunLiveResponseRequest, intentTime time.Time) (api.MachineAction, error) {
	f.mu.Lock()
	hook := f.BeforeSubmit
	f.mu.Unlock()
	if hook != nil {
		if err := hook(machineID, req); err != nil {
			f.mu.Lock()
			f.record("SubmitLiveResponse", machineID)
			f.mu.Unlock()
			return api.MachineAction{}, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("SubmitLiveResponse", machineID); err != nil {
		return api.MachineAction{}, err
	}
	for _, a := range f.actions {
		if a.MachineID == machineID && !api.IsTerminalStatus(a.Status) {
			return api.MachineAction{}, Busy()
		}
	}
	f.nextID++
	now := f.now().UTC()
	a := &api.MachineAction{
		ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", f.nextID), Type: "LiveResponse",
		Requestor: "app@fake", RequestorComment: req.Comment, RequestSource: "PublicApi",
		Status: api.StatusPending, MachineID: machineID, ComputerDNSName: machineID + ".fake",
		CreationDateTimeUTC: now, LastUpdateDateTimeUTC: now,
	}
	for i, c := range req.Commands {
		a.Commands = append(a.Commands, api.CommandStatus{Index: i, CommandStatus: api.CommandStatusCreated, Errors: []string{}, Command: c})
	}
	f.actions[a.ID] = a
	if f.LoseSubmitResponse {
		f.LoseSubmitResponse = false
		return api.MachineAction{}, fmt.Errorf("%w: connection reset after sending", api.ErrNetwork)
	}
	return cloneAction(*a), nil
}

// GetMachineAction implements api.Service.
func (f *Fake) GetMachineAction(ctx context.Context, id string) (api.MachineAction, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("GetMachineAction", id); err != nil {
		return api.MachineAction{}, err
	}
	a, ok := f.actions[id]
	if !ok {
		return api.MachineAction{}, NotFound("Action " + id)
	}
	return cloneAction(*a), nil
}

// ListMachineActions implements api.Service. It understands the filters the
// engine builds: "id eq 'x'" alternatives, or machineId/type equality.
func (f *Fake) ListMachineActions(ctx context.Context, opts api.ListOptions) ([]api.MachineAction, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("ListMachineActions", opts.Filter); err != nil {
		return nil, err
	}
	var out []api.MachineAction
	for _, a := range f.actions {
		if matchesFilter(*a, opts.Filter) {
			out = append(out, cloneAction(*a))
		}
	}
	if opts.Top > 0 && len(out) > opts.Top {
		out = out[:opts.Top]
	}
	return out, nil
}

// matchesFilter evaluates the small OData subset the engine uses.
func matchesFilter(a api.MachineAction, filter string) bool {
	if filter == "" {
		return true
	}
	f := strings.Trim(filter, "()")
	if strings.Contains(f, " or ") {
		for _, alt := range strings.Split(f, " or ") {
			if matchesFilter(a, alt) {
				return true
			}
		}
		return false
	}
	for _, term := range strings.Split(f, " and ") {
		prop, val, ok := strings.Cut(strings.TrimSpace(term), " eq ")
		if !ok {
			continue // ge on times etc.: accepted
		}
		val = strings.ReplaceAll(strings.Trim(val, "'"), "''", "'")
		var have string
		switch prop {
		case "id":
			have = a.ID
		case "machineId":
			have = a.MachineID
		case "type":
			have = a.Type
		case "status":
			have = a.Status
		default:
			continue
		}
		if have != val {
			return false
		}
	}
	return true
}

// GetResultDownloadLink implements api.Service.
func (f *Fake) GetResultDownloadLink(ctx context.Context, actionID string, index int) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("GetResultDownloadLink", fmt.Sprintf("%s/%d", actionID, index)); err != nil {
		return "", err
	}
	if _, err := f.completedLocked(actionID, index); err != nil {
		return "", err
	}
	return "https://fake.blob.core.windows.net/result/" + actionID, nil
}

// completedLocked returns a completed command or the service's 400/404.
func (f *Fake) completedLocked(actionID string, index int) (api.CommandStatus, error) {
	a, ok := f.actions[actionID]
	if !ok {
		return api.CommandStatus{}, NotFound("Action " + actionID)
	}
	if index < 0 || index >= len(a.Commands) || a.Commands[index].CommandStatus != api.CommandStatusCompleted {
		return api.CommandStatus{}, &api.Error{StatusCode: http.StatusBadRequest, Code: "BadRequest", Message: "result not available"}
	}
	return a.Commands[index], nil
}

// FetchScriptResult implements api.Service.
func (f *Fake) FetchScriptResult(ctx context.Context, actionID string, index int) (api.ScriptResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("FetchScriptResult", fmt.Sprintf("%s/%d", actionID, index)); err != nil {
		return api.ScriptResult{}, err
	}
	c, err := f.completedLocked(actionID, index)
	if err != nil {
		return api.ScriptResult{}, err
	}
	return api.ScriptResult{ScriptName: c.Command.Param(api.ParamScriptName), ScriptOutput: f.ScriptOutput}, nil
}

// SaveFileResult implements api.Service: it writes FileContent to destPath,
// refusing (fs.ErrExist) to overwrite. BeforeSave, when set, runs first.
func (f *Fake) SaveFileResult(ctx context.Context, actionID string, index int, destPath string) (api.SavedFile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("SaveFileResult", destPath); err != nil {
		return api.SavedFile{}, err
	}
	if f.BeforeSave != nil {
		f.BeforeSave(destPath)
	}
	if _, err := f.completedLocked(actionID, index); err != nil {
		return api.SavedFile{}, err
	}
	// Like the real client: never overwrite an existing file.
	out, err := os.OpenFile(destPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return api.SavedFile{}, fmt.Errorf("fake: %s: %w", destPath, err)
	}
	_, werr := out.Write(f.FileContent)
	if cerr := out.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return api.SavedFile{}, werr
	}
	sum := sha256.Sum256(f.FileContent)
	return api.SavedFile{Path: destPath, Bytes: int64(len(f.FileContent)), SHA256: hex.EncodeToString(sum[:])}, nil
}

// CancelMachineAction implements api.Service.
func (f *Fake) CancelMachineAction(ctx context.Context, actionID, comment string) (api.MachineAction, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("CancelMachineAction", actionID); err != nil {
		return api.MachineAction{}, err
	}
	a, ok := f.actions[actionID]
	if !ok {
		return api.MachineAction{}, NotFound("Action " + actionID)
	}
	if api.IsTerminalStatus(a.Status) {
		return api.MachineAction{}, &api.Error{StatusCode: http.StatusBadRequest, Code: "BadRequest", Message: "Action cannot be cancelled"}
	}
	now := f.now().UTC()
	a.Status = api.StatusCancelled
	a.CancellationRequestor = "app@fake"
	a.CancellationComment = comment
	a.CancellationDateTimeUTC = &now
	a.LastUpdateDateTimeUTC = now
	return cloneAction(*a), nil
}

// Budget implements api.Service: the documented budgets minus the calls
// made in the last minute and hour of the fake's clock.
func (f *Fake) Budget() api.Budget {
	f.mu.Lock()
	defer f.mu.Unlock()
	perMin, perHour := f.Limits.CallsPerMinute, f.Limits.CallsPerHour
	if perMin <= 0 {
		perMin = api.DefaultCallsPerMinute
	}
	if perHour <= 0 {
		perHour = api.DefaultCallsPerHour
	}
	now := f.now()
	var lastMin, lastHour int
	for _, t := range f.stamps {
		if now.Sub(t) < time.Minute {
			lastMin++
		}
		if now.Sub(t) < time.Hour {
			lastHour++
		}
	}
	return api.Budget{MinuteRemaining: max(perMin-lastMin, 0), HourRemaining: max(perHour-lastHour, 0), SubmitRemaining: api.DefaultSubmitPerMinute}
}

// Action returns the fake's current copy of an action.
func (f *Fake) Action(id string) (api.MachineAction, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.actions[id]
	if !ok {
		return api.MachineAction{}, false
	}
	return cloneAction(*a), true
}

// ActionIDs lists the ids of every action the fake holds.
func (f *Fake) ActionIDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for id := range f.actions {
		ids = append(ids, id)
	}
	return ids
}

// Put stores an action as is (e.g. one started elsewhere).
func (f *Fake) Put(a api.MachineAction) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := cloneAction(a)
	f.actions[a.ID] = &c
}

// Step advances an action by one event: Pending → InProgress with the first
// command started; a started command completes and the next one starts;
// after the last command the action Succeeds.
func (f *Fake) Step(id string) error {
	return f.mutate(id, func(a *api.MachineAction, now time.Time) {
		if a.Status == api.StatusPending {
			a.Status = api.StatusInProgress
			if len(a.Commands) > 0 {
				a.Commands[0].StartTime = &now
			} else {
				a.Status = api.StatusSucceeded
			}
			return
		}
		for i := range a.Commands {
			c := &a.Commands[i]
			if c.CommandStatus == api.CommandStatusCompleted {
				continue
			}
			if c.StartTime == nil {
				c.StartTime = &now
				return
			}
			c.CommandStatus = api.CommandStatusCompleted
			c.EndTime = &now
			if i+1 < len(a.Commands) {
				a.Commands[i+1].StartTime = &now
			} else {
				a.Status = api.StatusSucceeded
			}
			return
		}
		a.Status = api.StatusSucceeded
	})
}

// Finish steps an action until it is terminal.
func (f *Fake) Finish(id string) error {
	for range 100 {
		a, ok := f.Action(id)
		if !ok {
			return fmt.Errorf("no action %s", id)
		}
		if api.IsTerminalStatus(a.Status) {
			return nil
		}
		if err := f.Step(id); err != nil {
			return err
		}
	}
	return errors.New("action did not finish")
}

// Fail fails command index with msg: earlier commands complete, later ones
// stay Created, and the action becomes Failed.
func (f *Fake) Fail(id string, index int, msg string) error {
	return f.mutate(id, func(a *api.MachineAction, now time.Time) {
		for i := range a.Commands {
			c := &a.Commands[i]
			switch {
			case i < index:
				if c.StartTime == nil {
					c.StartTime = &now
				}
				c.EndTime, c.CommandStatus = &now, api.CommandStatusCompleted
			case i == index:
				if c.StartTime == nil {
					c.StartTime = &now
				}
				c.EndTime, c.CommandStatus, c.Errors = &now, api.CommandStatusFailed, []string{msg}
			}
		}
		a.Status = api.StatusFailed
	})
}

// TimeOut ends a Pending action with TimeOut.
func (f *Fake) TimeOut(id string) error {
	return f.mutate(id, func(a *api.MachineAction, now time.Time) { a.Status = api.StatusTimeOut })
}

func (f *Fake) mutate(id string, fn func(*api.MachineAction, time.Time)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.actions[id]
	if !ok {
		return fmt.Errorf("no action %s", id)
	}
	now := f.now().UTC()
	fn(a, now)
	a.LastUpdateDateTimeUTC = now
	return nil
}

// cloneAction deep-copies an action so callers never share slices.
func cloneAction(a api.MachineAction) api.MachineAction {
	c := a
	c.Commands = make([]api.CommandStatus, len(a.Commands))
	for i, cs := range a.Commands {
		cs.Errors = append([]string{}, cs.Errors...)
		cs.Command.Params = append([]api.Param(nil), cs.Command.Params...)
		c.Commands[i] = cs
	}
	return c
}
