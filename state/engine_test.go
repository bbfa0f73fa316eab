package state_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mdlr/api"
	"mdlr/state"
	"mdlr/state/statetest"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

type rig struct {
	fake  *statetest.Fake
	clock *statetest.Clock
	j     *state.Journal
	eng   *state.Engine
	out   string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	clock := statetest.NewClock(t0)
	fake := statetest.New(clock.Now)
	dir := t.TempDir()
	j, err := state.OpenJournal(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{fake: fake, clock: clock, j: j, out: filepath.Join(dir, "out")}
	r.eng = r.newEngine()
	return r
}

// newEngine starts a fresh engine on the same journal, as after a restart.
func (r *rig) newEngine() *state.Engine {
	return state.NewEngine(r.fake, r.j, state.EngineOptions{Tenant: "contoso", OutRoot: r.out, Now: r.clock.Now})
}

func plan(device string, cmds ...state.PlanCommand) state.Plan {
	return state.Plan{Device: state.Device{ID: device, Name: device + ".corp", OSPlatform: "Windows11", HealthStatus: "Active"},
		Comment: "IR-42 triage", Commands: cmds}
}

var (
	runScript = state.PlanCommand{Type: api.CommandRunScript, Name: "collect.ps1", Args: "-Days 3"}
	getZip    = state.PlanCommand{Type: api.CommandGetFile, Path: `C:\Windows\Temp\triage.zip`}
)

func (r *rig) submit(t *testing.T, device string, cmds ...state.PlanCommand) state.ActionView {
	t.Helper()
	v, err := r.eng.Submit(context.Background(), plan(device, cmds...), "")
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	return v
}

func (r *rig) poll(t *testing.T) state.PollResult {
	t.Helper()
	res, err := r.eng.Poll(context.Background())
	if err != nil {
		t.Fatalf("Poll: %v", err)
	}
	return res
}

func TestSubmitWritesIntentBeforeCallingService(t *testing.T) {
	r := newRig(t)
	var seen []state.Entry
	r.fake.BeforeSubmit = func(machineID string, req api.RunLiveResponseRequest) error {
		seen, _ = r.j.Unfinished()
		return nil
	}
	v := r.submit(t, "dev1", runScript, getZip)
	if len(seen) != 1 || seen[0].Phase != state.PhaseIntent || seen[0].Request.Comment != "IR-42 triage" ||
		len(seen[0].Request.Commands) != 2 || seen[0].Tenant != "contoso" {
		t.Fatalf("journal at submit time: %+v", seen)
	}
	if v.ActionID == "" || v.Status != api.StatusPending || v.IntentID != seen[0].IntentID {
		t.Fatalf("view %+v", v)
	}
	e, err := r.j.Get(v.IntentID)
	if err != nil || e.Phase != state.PhaseSubmitted || e.ActionID != v.ActionID || e.OutDir != filepath.Join(r.out, v.ActionID) {
		t.Fatalf("journal after submit: %+v %v", e, err)
	}
}

func TestSubmitRefusesInvalidPlan(t *testing.T) {
	r := newRig(t)
	_, err := r.eng.Submit(context.Background(), plan("dev1", state.PlanCommand{Type: api.CommandRunScript, Name: "x", Args: "a;b"}), "")
	var ve *state.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), `";"`) {
		t.Fatalf("err = %v", err)
	}
	if r.fake.CallCount("SubmitLiveResponse") != 0 {
		t.Fatal("invalid plan was submitted")
	}
	if all, _ := r.j.List(); len(all) != 0 {
		t.Fatal("invalid plan was journalled")
	}
}

func TestSubmitRejectedIsNeverResubmitted(t *testing.T) {
	r := newRig(t)
	r.fake.FailNext("SubmitLiveResponse", statetest.Busy())
	v, err := r.eng.Submit(context.Background(), plan("dev1", runScript), "")
	if !api.IsActiveRequestExists(err) {
		t.Fatalf("err = %v", err)
	}
	if v.Status != state.StatusRejected || !v.Done {
		t.Fatalf("view %+v", v)
	}
	e, _ := r.j.Get(v.IntentID)
	if e.Phase != state.PhaseRejected || !strings.Contains(e.LastError, "ActiveRequestAlreadyExists") {
		t.Fatalf("entry %+v", e)
	}
	r.poll(t)
	views, _ := r.newEngine().Reattach(context.Background())
	if len(views) != 0 || r.fake.CallCount("SubmitLiveResponse") != 1 {
		t.Fatalf("rejected intent came back: %v, submits %d", views, r.fake.CallCount("SubmitLiveResponse"))
	}
}

func TestUnknownOutcomeResolvedNotResubmitted(t *testing.T) {
	r := newRig(t)
	r.fake.LoseSubmitResponse = true
	v, err := r.eng.Submit(context.Background(), plan("dev1", runScript), "")
	if !errors.Is(err, api.ErrNetwork) || v.Status != state.StatusSubmitting {
		t.Fatalf("Submit = %+v, %v", v, err)
	}
	if e, _ := r.j.Get(v.IntentID); e.Phase != state.PhaseUnknown {
		t.Fatalf("phase %s", e.Phase)
	}
	res := r.poll(t)
	ids := r.fake.ActionIDs()
	if len(ids) != 1 {
		t.Fatalf("fake holds %d actions", len(ids))
	}
	got, ok := r.eng.Action(ids[0])
	if !ok || got.IntentID != v.IntentID || got.Status != api.StatusPending || len(res.Changed) != 1 {
		t.Fatalf("not resolved: %+v %v", got, res.Changed)
	}
	if n := r.fake.CallCount("SubmitLiveResponse"); n != 1 {
		t.Fatalf("submitted %d times", n)
	}
}

func TestUnknownOutcomeNeverArrivedBecomesRejected(t *testing.T) {
	r := newRig(t)
	r.fake.BeforeSubmit = func(string, api.RunLiveResponseRequest) error {
		return &api.NetworkError{Method: "POST", Path: "/api/machines/dev1/runliveresponse", Err: errors.New("reset")}
	}
	v, _ := r.eng.Submit(context.Background(), plan("dev1", runScript), "")
	r.clock.Advance(time.Minute)
	r.poll(t)
	if e, _ := r.j.Get(v.IntentID); e.Phase != state.PhaseUnknown {
		t.Fatalf("decided too early: %s", e.Phase)
	}
	r.clock.Advance(10 * time.Minute)
	r.poll(t)
	e, _ := r.j.Get(v.IntentID)
	if e.Phase != state.PhaseRejected || !strings.Contains(e.LastError, "never submitted") {
		t.Fatalf("entry %+v", e)
	}
	if r.fake.CallCount("SubmitLiveResponse") != 1 || r.fake.CallCount("ListMachineActions") != 2 {
		t.Fatalf("calls %v", r.fake.Calls())
	}
}

func TestReattachResolvesCrashBetweenIntentAndActionID(t *testing.T) {
	r := newRig(t)
	p := plan("dev1", runScript)
	// The process wrote the intent, sent the request, and died before recording the id.
	e, err := r.j.Create(state.Entry{CreatedAt: t0, Device: p.Device, Plan: p, Request: p.Request()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.fake.SubmitLiveResponse(context.Background(), "dev1", p.Request(), t0); err != nil {
		t.Fatal(err)
	}
	other := p.Request()
	other.Comment = "someone else"
	r.fake.Put(api.MachineAction{ID: "other-1", MachineID: "dev1", Type: "LiveResponse", Status: api.StatusSucceeded, RequestorComment: "someone else", CreationDateTimeUTC: t0})
	r.fake.Put(api.MachineAction{ID: "other-2", MachineID: "dev1", Type: "LiveResponse", Status: api.StatusSucceeded, RequestorComment: p.Comment, CreationDateTimeUTC: t0,
		Commands: []api.CommandStatus{{Command: api.Command{Type: api.CommandRunScript, Params: []api.Param{{Key: api.ParamScriptName, Value: "different.ps1"}}}}}})
	r.clock.Advance(30 * time.Second)
	eng := r.newEngine()
	views, errs := eng.Reattach(context.Background())
	if len(errs) != 0 || len(views) != 1 {
		t.Fatalf("Reattach = %v, %v", views, errs)
	}
	if views[0].ActionID == "" || views[0].ActionID == "other-1" || views[0].ActionID == "other-2" || views[0].IntentID != e.IntentID {
		t.Fatalf("resolved to %+v", views[0])
	}
	if r.fake.CallCount("SubmitLiveResponse") != 1 {
		t.Fatal("resubmitted")
	}
}

func TestReattachContinuesTracking(t *testing.T) {
	r := newRig(t)
	v := r.submit(t, "dev1", runScript)
	eng := r.newEngine()
	views, errs := eng.Reattach(context.Background())
	if len(errs) != 0 || len(views) != 1 || views[0].ActionID != v.ActionID {
		t.Fatalf("Reattach = %v %v", views, errs)
	}
	if err := r.fake.Finish(v.ActionID); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, _ := eng.Action(v.ActionID)
	if !got.Done || got.Commands[0].Result == nil {
		t.Fatalf("view %+v", got)
	}
}

func TestPollBatchesStatusCalls(t *testing.T) {
	r := newRig(t)
	var ids []string
	for _, d := range []string{"d1", "d2", "d3"} {
		ids = append(ids, r.submit(t, d, runScript).ActionID)
	}
	r.fake.ResetCalls()
	r.poll(t)
	calls := r.fake.Calls()
	if len(calls) != 1 || calls[0].Method != "ListMachineActions" {
		t.Fatalf("calls = %v", calls)
	}
	for _, id := range ids {
		if !strings.Contains(calls[0].Arg, "id eq '"+id+"'") {
			t.Errorf("filter %q lacks %s", calls[0].Arg, id)
		}
	}
	if strings.Count(calls[0].Arg, " or ") != 2 {
		t.Errorf("filter %q", calls[0].Arg)
	}
}

func TestPollSingleActionUsesGet(t *testing.T) {
	r := newRig(t)
	v := r.submit(t, "d1", runScript)
	r.fake.ResetCalls()
	r.poll(t)
	calls := r.fake.Calls()
	if len(calls) != 1 || calls[0].Method != "GetMachineAction" || calls[0].Arg != v.ActionID {
		t.Fatalf("calls = %v", calls)
	}
}

func TestPollChunksOfTwenty(t *testing.T) {
	r := newRig(t)
	for i := range 45 {
		r.submit(t, "dev"+string(rune('A'+i)), runScript)
	}
	r.clock.Advance(time.Hour) // fresh budget
	r.fake.ResetCalls()
	r.poll(t)
	if n := r.fake.CallCount("ListMachineActions"); n != 3 || len(r.fake.Calls()) != 3 {
		t.Fatalf("calls = %v", r.fake.Calls())
	}
	for _, c := range r.fake.Calls() {
		if strings.Count(c.Arg, "id eq") > 20 {
			t.Fatalf("chunk too big: %s", c.Arg)
		}
	}
}

func TestResultsFetchedOnceAndActionDone(t *testing.T) {
	r := newRig(t)
	r.fake.ScriptOutput = "Collected 412 files\x00\x00"
	v := r.submit(t, "d1", state.PlanCommand{Type: api.CommandPutFile, Name: "tool.exe"}, runScript, getZip)
	if err := r.fake.Finish(v.ActionID); err != nil {
		t.Fatal(err)
	}
	res := r.poll(t)
	if len(res.Changed) != 1 || !res.Changed[0].Done {
		t.Fatalf("changed %+v", res.Changed)
	}
	got := res.Changed[0]
	if got.Commands[1].Result == nil || got.Commands[1].Result.ScriptOutput != r.fake.ScriptOutput {
		t.Fatalf("script result %+v", got.Commands[1])
	}
	f := got.Commands[2].File
	if f == nil || f.Path != filepath.Join(r.out, v.ActionID, "triage.zip") || f.Bytes != int64(len(r.fake.FileContent)) {
		t.Fatalf("file %+v", f)
	}
	if data, err := os.ReadFile(f.Path); err != nil || string(data) != string(r.fake.FileContent) {
		t.Fatalf("saved file: %q %v", data, err)
	}
	for i := 0; i < 3; i++ {
		r.poll(t)
	}
	if r.fake.CallCount("FetchScriptResult") != 1 || r.fake.CallCount("SaveFileResult") != 1 {
		t.Fatalf("calls %v", r.fake.Calls())
	}
	out, err := r.newEngine().ScriptOutput(v.ActionID, 1)
	if err != nil || out.ScriptOutput != r.fake.ScriptOutput {
		t.Fatalf("ScriptOutput = %+v %v", out, err)
	}
	if e, _ := r.j.Get(v.IntentID); e.Phase != state.PhaseDone || strings.Contains(mustRead(t, r.j, e.IntentID), "Collected") {
		t.Fatalf("entry phase %s or script output stored inline", e.Phase)
	}
}

func mustRead(t *testing.T, j *state.Journal, id string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(j.Dir(), "actions", id+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFailedFetchRetriedThenGivenUp(t *testing.T) {
	r := newRig(t)
	v := r.submit(t, "d1", runScript)
	if err := r.fake.Finish(v.ActionID); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		r.fake.FailNext("FetchScriptResult", &api.Error{StatusCode: 500, Code: "InternalServerError"})
	}
	rounds := 0
	var prev time.Duration
	for ; rounds < 20; rounds++ {
		if got, _ := r.eng.Action(v.ActionID); got.Done {
			break
		}
		res, err := r.eng.Poll(context.Background())
		if err == nil {
			t.Fatal("failed fetch not reported")
		}
		if rounds > 0 && res.Next <= prev && res.Next < state.DefaultMaxPoll {
			t.Fatalf("round %d: failing fetches should back off: %v after %v", rounds, res.Next, prev)
		}
		prev = res.Next
	}
	got, _ := r.eng.Action(v.ActionID)
	if n := r.fake.CallCount("FetchScriptResult"); n != 8 || !got.Done || !strings.Contains(got.Commands[0].FetchErr, "gave up") {
		t.Fatalf("after %d rounds: %d fetches, view %+v", rounds, n, got.Commands[0])
	}
}

func TestTransientFetchFailureRecovers(t *testing.T) {
	r := newRig(t)
	v := r.submit(t, "d1", runScript)
	if err := r.fake.Finish(v.ActionID); err != nil {
		t.Fatal(err)
	}
	r.fake.FailNext("FetchScriptResult", errors.New("blob timeout"))
	if _, err := r.eng.Poll(context.Background()); err == nil {
		t.Fatal("no error reported")
	}
	if got, _ := r.eng.Action(v.ActionID); got.Done || got.Commands[0].FetchErr == "" {
		t.Fatalf("view %+v", got)
	}
	r.poll(t)
	if got, _ := r.eng.Action(v.ActionID); !got.Done || got.Commands[0].Result == nil || got.Commands[0].FetchErr != "" {
		t.Fatalf("view %+v", got)
	}
}

func TestTrackedFilesGetSafeNames(t *testing.T) {
	r := newRig(t)
	paths := []string{`..\..\x`, `C:\Windows\System32\con`, `\\srv\share\a`, `C:\t\` + strings.Repeat("n", 300) + ".log", `C:\a\x`}
	a := api.MachineAction{ID: "foreign-1", MachineID: "d9", Type: "LiveResponse", Status: api.StatusPending, RequestorComment: "portal", CreationDateTimeUTC: t0}
	for i, p := range paths {
		a.Commands = append(a.Commands, api.CommandStatus{Index: i, CommandStatus: api.CommandStatusCreated,
			Command: api.Command{Type: api.CommandGetFile, Params: []api.Param{{Key: api.ParamPath, Value: p}}}})
	}
	r.fake.Put(a)
	v, err := r.eng.Track(context.Background(), "foreign-1")
	if err != nil || v.IntentID != "" || len(v.Commands) != len(paths) {
		t.Fatalf("Track = %+v %v", v, err)
	}
	if err := r.fake.Finish("foreign-1"); err != nil {
		t.Fatal(err)
	}
	r.poll(t)
	got, _ := r.eng.Action("foreign-1")
	dir := filepath.Join(r.out, "foreign-1")
	want := []string{"x", "_con", "a", "", "x (2)"}
	for i, c := range got.Commands {
		if c.File == nil {
			t.Fatalf("command %d not saved: %+v", i, c)
		}
		if filepath.Dir(c.File.Path) != dir || len(filepath.Base(c.File.Path)) > state.MaxLocalNameLen {
			t.Errorf("command %d saved outside or too long: %s", i, c.File.Path)
		}
		if want[i] != "" && filepath.Base(c.File.Path) != want[i] {
			t.Errorf("command %d name %q, want %q", i, filepath.Base(c.File.Path), want[i])
		}
	}
	if !got.Done {
		t.Fatal("not done")
	}
}

func TestAdaptiveInterval(t *testing.T) {
	r := newRig(t)
	v := r.submit(t, "d1", runScript, getZip)
	if res := r.poll(t); res.Next >= state.DefaultMaxPoll {
		t.Fatalf("just submitted: Next = %v, want the fast rate", res.Next)
	}
	r.clock.Advance(2 * time.Minute)
	if res := r.poll(t); res.Next != state.DefaultMaxPoll {
		t.Fatalf("queued for minutes: Next = %v", res.Next)
	}
	if err := r.fake.Step(v.ActionID); err != nil {
		t.Fatal(err)
	}
	res := r.poll(t)
	if len(res.Changed) != 1 || res.Next != state.DefaultMinPoll {
		t.Fatalf("after change: %v %v", res.Changed, res.Next)
	}
	prev := res.Next
	for range 8 {
		res = r.poll(t)
		want := min(prev*3/2, state.DefaultMaxPoll)
		if res.Next != want {
			t.Fatalf("unchanged: Next = %v, want %v", res.Next, want)
		}
		prev = res.Next
	}
	if prev != state.DefaultMaxPoll {
		t.Fatalf("did not reach max: %v", prev)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	r := newRig(t)
	v := r.submit(t, "d1", runScript)
	r.fake.Step(v.ActionID)
	r.fake.FailNext("GetMachineAction", statetest.Throttled(45*time.Second))
	res, err := r.eng.Poll(context.Background())
	if !api.IsThrottled(err) || res.Next != 45*time.Second {
		t.Fatalf("Poll = %v, %v", res.Next, err)
	}
}

func TestBudgetRespected(t *testing.T) {
	r := newRig(t)
	r.fake.Limits = api.Limits{CallsPerMinute: 2, CallsPerHour: 1500}
	v := r.submit(t, "d1", runScript) // call 1
	r.fake.Step(v.ActionID)
	r.poll(t) // call 2: the minute budget is spent
	r.fake.Finish(v.ActionID)
	r.fake.ResetCalls()
	res := r.poll(t)
	if len(r.fake.Calls()) != 0 || res.Next < time.Minute || res.Budget.MinuteRemaining != 0 {
		t.Fatalf("calls %v, next %v, budget %+v", r.fake.Calls(), res.Next, res.Budget)
	}
	r.clock.Advance(res.Next)
	r.poll(t)
	r.clock.Advance(time.Minute)
	r.poll(t)
	if got, _ := r.eng.Action(v.ActionID); !got.Done {
		t.Fatalf("not done after budget refill: %+v", got)
	}
}

func TestCancel(t *testing.T) {
	r := newRig(t)
	v := r.submit(t, "d1", runScript)
	if _, err := r.eng.Cancel(context.Background(), v.ActionID, " "); err == nil {
		t.Fatal("cancel without comment accepted")
	}
	got, err := r.eng.Cancel(context.Background(), v.ActionID, "wrong host")
	if err != nil || got.Status != api.StatusCancelled || got.Explain != "Cancelled by app@fake: wrong host" {
		t.Fatalf("Cancel = %+v %v", got, err)
	}
	r.poll(t)
	if got, _ := r.eng.Action(v.ActionID); !got.Done || got.Commands[0].State != state.CmdNotRun {
		t.Fatalf("after cancel %+v", got)
	}
}

func TestActionsNewestFirstAndIdlePoll(t *testing.T) {
	r := newRig(t)
	res := r.poll(t)
	if res.Next != state.DefaultMaxPoll || len(r.fake.Calls()) != 0 {
		t.Fatalf("idle poll: %v %v", res.Next, r.fake.Calls())
	}
	a := r.submit(t, "d1", runScript)
	r.clock.Advance(time.Second)
	b := r.submit(t, "d2", runScript)
	all := r.eng.Actions()
	if len(all) != 2 || all[0].ActionID != b.ActionID || all[1].ActionID != a.ActionID {
		t.Fatalf("Actions = %+v", all)
	}
}

// TestCLILoop is how `mdlr run` drives the engine: Submit, then Poll until done.
func TestCLILoop(t *testing.T) {
	r := newRig(t)
	v := r.submit(t, "d1", state.PlanCommand{Type: api.CommandPutFile, Name: "t.exe"}, runScript, getZip)
	var seen []api.MachineAction
	for i := 0; i < 50; i++ {
		got, _ := r.eng.Action(v.ActionID)
		if got.Done {
			break
		}
		res := r.poll(t)
		r.clock.Advance(res.Next)
		r.fake.Step(v.ActionID)
		a, _ := r.fake.Action(v.ActionID)
		seen = append(seen, a)
	}
	got, _ := r.eng.Action(v.ActionID)
	if !got.Done || got.Status != api.StatusSucceeded || got.Commands[2].File == nil {
		t.Fatalf("final view %+v after %d steps", got, len(seen))
	}
}

func TestEngineConcurrentUse(t *testing.T) {
	r := newRig(t)
	v := r.submit(t, "d1", runScript)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(2)
		go func() { defer wg.Done(); _, _ = r.eng.Poll(context.Background()) }()
		go func() { defer wg.Done(); _ = r.eng.Actions(); _, _ = r.eng.Action(v.ActionID) }()
	}
	r.fake.Finish(v.ActionID)
	wg.Wait()
	r.poll(t)
	if got, _ := r.eng.Action(v.ActionID); !got.Done || r.fake.CallCount("FetchScriptResult") != 1 {
		t.Fatalf("view %+v, fetches %d", got, r.fake.CallCount("FetchScriptResult"))
	}
}

func TestSubmitOutcomeUnknownWrappingA4xxIsNotRejected(t *testing.T) {
	r := newRig(t)
	r.fake.BeforeSubmit = func(string, api.RunLiveResponseRequest) error {
		return errors.Join(api.ErrOutcomeUnknown, statetest.NotFound("list"))
	}
	v, err := r.eng.Submit(context.Background(), plan("d1", runScript), "")
	if !errors.Is(err, api.ErrOutcomeUnknown) {
		t.Fatalf("err = %v", err)
	}
	if e, _ := r.j.Get(v.IntentID); e.Phase != state.PhaseUnknown {
		t.Fatalf("phase %s, want unknown", e.Phase)
	}
}

func TestPollDuringSubmitDoesNotResolveIt(t *testing.T) {
	r := newRig(t)
	var pollErr error
	r.fake.BeforeSubmit = func(string, api.RunLiveResponseRequest) error {
		_, pollErr = r.eng.Poll(context.Background())
		return nil
	}
	r.submit(t, "d1", runScript)
	if pollErr != nil || r.fake.CallCount("ListMachineActions") != 0 {
		t.Fatalf("poll during submit: %v, calls %v", pollErr, r.fake.Calls())
	}
}

func TestSaveNeverOverwritesExistingOrRacingFiles(t *testing.T) {
	r := newRig(t)
	v := r.submit(t, "d1", getZip)
	dir := filepath.Join(r.out, v.ActionID)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "triage.zip"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	raced := false
	r.fake.BeforeSave = func(dest string) {
		if !raced { // another process takes the chosen name just before the download lands
			raced = true
			_ = os.WriteFile(dest, []byte("theirs"), 0o600)
		}
	}
	r.fake.Finish(v.ActionID)
	r.poll(t)
	got, _ := r.eng.Action(v.ActionID)
	f := got.Commands[0].File
	if f == nil || filepath.Base(f.Path) != "triage (3).zip" {
		t.Fatalf("file %+v (%s)", f, got.Commands[0].FetchErr)
	}
	for name, want := range map[string]string{"triage.zip": "mine", "triage (2).zip": "theirs"} {
		if b, _ := os.ReadFile(filepath.Join(dir, name)); string(b) != want {
			t.Errorf("%s = %q, want %q", name, b, want)
		}
	}
}

func TestVanishedActionStopsTracking(t *testing.T) {
	r := newRig(t)
	v := r.submit(t, "d1", runScript)
	r.fake.FailNext("GetMachineAction", statetest.NotFound("Action "+v.ActionID))
	if _, err := r.eng.Poll(context.Background()); !api.IsNotFound(err) {
		t.Fatalf("err = %v", err)
	}
	got, _ := r.eng.Action(v.ActionID)
	if !got.Done || !strings.Contains(got.Explain, "no longer knows") {
		t.Fatalf("view %+v", got)
	}
	r.fake.ResetCalls()
	r.poll(t)
	if len(r.fake.Calls()) != 0 {
		t.Fatalf("still polled: %v", r.fake.Calls())
	}
}

func TestReattachLoadsStoredScriptResults(t *testing.T) {
	r := newRig(t)
	v := r.submit(t, "d1", runScript, getZip)
	r.fake.Finish(v.ActionID)
	for range 3 {
		r.fake.FailNext("SaveFileResult", errors.New("disk full"))
	}
	if _, err := r.eng.Poll(context.Background()); err == nil {
		t.Fatal("save failure not reported")
	}
	eng := r.newEngine()
	views, errs := eng.Reattach(context.Background())
	if len(errs) != 0 || len(views) != 1 || views[0].Done {
		t.Fatalf("Reattach = %+v %v", views, errs)
	}
	c := views[0].Commands
	if c[0].Result == nil || c[0].Result.ScriptOutput != r.fake.ScriptOutput || c[1].File != nil || !strings.Contains(c[1].FetchErr, "disk full") {
		t.Fatalf("commands after reattach %+v", c)
	}
	for range 3 {
		if _, err := eng.Poll(context.Background()); err == nil {
			break
		}
	}
	got, _ := eng.Action(v.ActionID)
	if !got.Done || got.Commands[1].File == nil || r.fake.CallCount("FetchScriptResult") != 1 {
		t.Fatalf("final %+v, script fetches %d", got, r.fake.CallCount("FetchScriptResult"))
	}
}
