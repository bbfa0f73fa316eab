package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// lrServer simulates runliveresponse with a scripted reaction per POST.
type lrServer struct {
	t   *testing.T
	ten *tenant

	mu      sync.Mutex
	posts   int
	gets    int
	lists   int
	actions map[string]string // id → JSON with commands
	order   []string
	// react decides the outcome of POST number n (1-based): "created",
	// "created-empty", "created-garbled", "drop-after-create", "drop",
	// "500", "429" or "active".
	react func(n int) string
}

const wantLookupFilter = "machineId eq 'm1' and type eq 'LiveResponse' and creationDateTimeUtc ge 2025-11-03T08:58:00Z"

func newLRServer(t *testing.T) *lrServer {
	s := &lrServer{t: t, ten: newTenant(t), actions: map[string]string{}}
	s.ten.handle("POST /api/machines/{id}/runliveresponse", s.post)
	s.ten.handle("GET /api/machineactions", s.list)
	s.ten.handle("GET /api/machineactions/{id}", s.get)
	return s
}

func (s *lrServer) post(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Commands []struct {
			Type   string `json:"type"`
			Params []struct {
				Key   string `json:"key"`
				Value string `json:"value"`
			} `json:"params"`
		}
		Comment string
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeJSON(w, 400, `{"error":{"code":"InvalidRequestBody","message":"bad"}}`)
		return
	}
	s.mu.Lock()
	s.posts++
	n := s.posts
	mode := s.react(n)
	var cmds []string
	for i, c := range body.Commands {
		params, _ := json.Marshal(c.Params)
		cmds = append(cmds, fmt.Sprintf(`{"index": %d, "startTime": null, "endTime": null, "commandStatus": "Created", "errors": [], "command": {"type": %q, "params": %s}}`, i, c.Type, params))
	}
	id := fmt.Sprintf("act-%d", n)
	full := fmt.Sprintf(pendingActionTmpl, id, body.Comment, "2025-11-03T09:00:01Z", "["+strings.Join(cmds, ",")+"]")
	empty := fmt.Sprintf(pendingActionTmpl, id, body.Comment, "2025-11-03T09:00:01Z", "[]")
	create := func() {
		s.actions[id] = full
		s.order = append(s.order, id)
	}
	s.mu.Unlock()

	switch mode {
	case "created":
		s.mu.Lock()
		create()
		s.mu.Unlock()
		writeJSON(w, 201, full)
	case "created-empty":
		s.mu.Lock()
		create()
		s.mu.Unlock()
		writeJSON(w, 201, empty)
	case "drop-after-create":
		s.mu.Lock()
		create()
		s.mu.Unlock()
		dropConnection(s.t, w)
	case "created-garbled":
		s.mu.Lock()
		create()
		s.mu.Unlock()
		writeJSON(w, 201, `{"id": "act-1", "commands": [`)
	case "drop":
		dropConnection(s.t, w)
	case "500":
		writeJSON(w, 500, `{"error":{"code":"InternalServerError","message":"oops"}}`)
	case "429":
		w.Header().Set("Retry-After", "12")
		writeJSON(w, 429, `{"error": {"code": "TooManyRequests", "message": "...", "target": "x"}}`)
	case "active":
		writeJSON(w, 400, `{"error": {"code": "ActiveRequestAlreadyExists", "message": "Action is already in progress", "target": "43f4cb08"}}`)
	default:
		s.t.Errorf("unknown mode %q", mode)
	}
}

func (s *lrServer) list(w http.ResponseWriter, r *http.Request) {
	if got := r.URL.Query().Get("$filter"); got != wantLookupFilter {
		s.t.Errorf("lookup filter = %q\nwant %q", got, wantLookupFilter)
	}
	s.mu.Lock()
	s.lists++
	var items []string
	// An unrelated action of another intent must never be picked.
	items = append(items, fmt.Sprintf(pendingActionTmpl, "other", "someone else", "2025-11-03T08:59:30Z", threeCommandsJSON))
	for _, id := range s.order {
		items = append(items, s.actions[id])
	}
	s.mu.Unlock()
	writeJSON(w, 200, `{"value":[`+strings.Join(items, ",")+`]}`)
}

func (s *lrServer) get(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.gets++
	a, ok := s.actions[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		writeJSON(w, 404, `{"error":{"code":"NotFound","message":"no"}}`)
		return
	}
	writeJSON(w, 200, a)
}

func (s *lrServer) stats() (posts, created, lists, gets int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.posts, len(s.order), s.lists, s.gets
}

var testLRRequest = RunLiveResponseRequest{
	Comment: "IR-1234 triage [mdlr:intent-42]",
	Commands: []Command{
		{Type: CommandPutFile, Params: []Param{{Key: ParamFileName, Value: "winpmem.exe"}}},
		{Type: CommandRunScript, Params: []Param{{Key: ParamScriptName, Value: "collect-triage.ps1"}, {Key: ParamArgs, Value: `-OutPath C:\Windows\Temp\triage.zip`}}},
		{Type: CommandGetFile, Params: []Param{{Key: ParamPath, Value: `C:\Windows\Temp\triage.zip`}}},
	},
}

func submit(t *testing.T, s *lrServer, clk *fakeClock) (MachineAction, error) {
	t.Helper()
	c := s.ten.client(t, clk)
	return c.SubmitLiveResponse(t.Context(), "m1", testLRRequest, clk.Now())
}

func TestSubmitCreated(t *testing.T) {
	s := newLRServer(t)
	s.react = func(int) string { return "created" }
	a, err := submit(t, s, newFakeClock())
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "act-1" || a.Status != StatusPending || len(a.Commands) != 3 || a.Commands[1].Command.Param(ParamArgs) != `-OutPath C:\Windows\Temp\triage.zip` {
		t.Fatalf("action = %+v", a)
	}
	if posts, created, lists, _ := s.stats(); posts != 1 || created != 1 || lists != 0 {
		t.Fatalf("posts=%d created=%d lists=%d", posts, created, lists)
	}
}

func TestSubmitEmptyCommandsReGets(t *testing.T) {
	s := newLRServer(t)
	s.react = func(int) string { return "created-empty" }
	clk := newFakeClock()
	a, err := submit(t, s, clk)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Commands) != 3 {
		t.Fatalf("commands = %d, want 3 after re-GET", len(a.Commands))
	}
	if _, _, _, gets := s.stats(); gets != 1 {
		t.Fatalf("gets = %d", gets)
	}
	if sl := clk.Sleeps(); len(sl) != 1 || sl[0] < 2*time.Second || sl[0] > 5*time.Second {
		t.Fatalf("sleeps = %v", sl)
	}
}

func TestSubmitDroppedAfterCreateReturnsThatAction(t *testing.T) {
	s := newLRServer(t)
	s.react = func(n int) string {
		if n == 1 {
			return "drop-after-create"
		}
		return "created"
	}
	a, err := submit(t, s, newFakeClock())
	if err != nil {
		t.Fatal(err)
	}
	posts, created, lists, _ := s.stats()
	if a.ID != "act-1" || posts != 1 || created != 1 || lists != 1 {
		t.Fatalf("id=%s posts=%d created=%d lists=%d", a.ID, posts, created, lists)
	}
}

func TestSubmitServerErrorWithoutActionRePosts(t *testing.T) {
	s := newLRServer(t)
	s.react = func(n int) string {
		if n == 1 {
			return "500"
		}
		return "created"
	}
	clk := newFakeClock()
	a, err := submit(t, s, clk)
	if err != nil {
		t.Fatal(err)
	}
	posts, created, lists, _ := s.stats()
	if a.ID != "act-2" || posts != 2 || created != 1 || lists != 1 {
		t.Fatalf("id=%s posts=%d created=%d lists=%d", a.ID, posts, created, lists)
	}
	if len(clk.Sleeps()) != 1 {
		t.Fatalf("sleeps = %v, want one backoff", clk.Sleeps())
	}
}

func TestSubmitLateVisibilityUsesActiveRequestToLookAgain(t *testing.T) {
	// POST 1 drops; the lookup misses (the action is not yet listed); POST 2
	// hits ActiveRequestAlreadyExists; by then the action is visible.
	s := newLRServer(t)
	s.react = func(n int) string {
		if n == 1 {
			return "drop"
		}
		s.actions["act-1"] = fmt.Sprintf(pendingActionTmpl, "act-1", testLRRequest.Comment, "2025-11-03T09:00:01Z", threeCommandsJSON)
		s.order = append(s.order, "act-1")
		return "active"
	}
	a, err := submit(t, s, newFakeClock())
	if err != nil {
		t.Fatal(err)
	}
	posts, created, lists, _ := s.stats()
	if a.ID != "act-1" || posts != 2 || created != 1 || lists != 2 {
		t.Fatalf("id=%s posts=%d created=%d lists=%d", a.ID, posts, created, lists)
	}
}

func TestSubmitActiveRequestIsTypedAndNotRetried(t *testing.T) {
	s := newLRServer(t)
	s.react = func(int) string { return "active" }
	_, err := submit(t, s, newFakeClock())
	if !IsActiveRequestExists(err) {
		t.Fatalf("err = %v", err)
	}
	if got := Describe(err); got != "the device is busy with another live response action: wait for it or cancel it" {
		t.Fatalf("Describe = %q", got)
	}
	if posts, _, lists, _ := s.stats(); posts != 1 || lists != 0 {
		t.Fatalf("posts=%d lists=%d", posts, lists)
	}
}

func TestSubmitThrottledWaitsAndPostsAgain(t *testing.T) {
	s := newLRServer(t)
	s.react = func(n int) string {
		if n == 1 {
			return "429"
		}
		return "created"
	}
	clk := newFakeClock()
	a, err := submit(t, s, clk)
	if err != nil {
		t.Fatal(err)
	}
	if posts, _, lists, _ := s.stats(); a.ID != "act-2" || posts != 2 || lists != 0 {
		t.Fatalf("posts=%d lists=%d", posts, lists)
	}
	if sl := clk.Sleeps(); len(sl) != 1 || sl[0] != 12*time.Second {
		t.Fatalf("sleeps = %v, want [12s]", sl)
	}
}

func TestSubmitPersistentFailureIsOutcomeUnknown(t *testing.T) {
	s := newLRServer(t)
	s.react = func(int) string { return "500" }
	cfg := s.ten.config(newFakeClock())
	cfg.MaxRetries = 2
	c, _ := New(cfg)
	_, err := c.SubmitLiveResponse(t.Context(), "m1", testLRRequest, cfg.Now())
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v", err)
	}
	if posts, created, _, _ := s.stats(); posts != 3 || created != 0 {
		t.Fatalf("posts=%d created=%d", posts, created)
	}
}

func TestSubmitRejectsBadInput(t *testing.T) {
	c := newTenant(t).client(t, newFakeClock())
	if _, err := c.SubmitLiveResponse(t.Context(), "", testLRRequest, time.Time{}); err == nil {
		t.Error("empty machine accepted")
	}
	if _, err := c.SubmitLiveResponse(t.Context(), "m1", RunLiveResponseRequest{Comment: "x"}, time.Time{}); err == nil {
		t.Error("no commands accepted")
	}
}

func TestMatchesRequest(t *testing.T) {
	mk := func(comment string, cmds ...Command) MachineAction {
		a := MachineAction{Type: "LiveResponse", RequestorComment: comment}
		for i := len(cmds) - 1; i >= 0; i-- { // reverse order: matching sorts by index
			a.Commands = append(a.Commands, CommandStatus{Index: i, Command: cmds[i]})
		}
		return a
	}
	req := testLRRequest
	if !MatchesRequest(mk(req.Comment, req.Commands...), req) {
		t.Error("identical action not matched")
	}
	if MatchesRequest(mk("other", req.Commands...), req) {
		t.Error("different comment matched")
	}
	changed := append([]Command(nil), req.Commands...)
	changed[2] = Command{Type: CommandGetFile, Params: []Param{{Key: ParamPath, Value: `C:\other`}}}
	if MatchesRequest(mk(req.Comment, changed...), req) {
		t.Error("different params matched")
	}
	if MatchesRequest(mk(req.Comment, req.Commands[:2]...), req) {
		t.Error("fewer commands matched")
	}
	if !MatchesRequest(mk(req.Comment), req) {
		t.Error("commands not yet visible: comment alone should match")
	}
	if MatchesRequest(mk(""), RunLiveResponseRequest{Commands: req.Commands}) {
		t.Error("empty comment and no commands matched")
	}
}

func TestSubmitCancelledAfterAmbiguousFailureIsOutcomeUnknown(t *testing.T) {
	s := newLRServer(t)
	s.react = func(int) string { return "drop" }
	clk := newFakeClock()
	cfg := s.ten.config(clk)
	ctx, cancel := context.WithCancel(t.Context())
	cfg.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	c, _ := New(cfg)
	_, err := c.SubmitLiveResponse(ctx, "m1", testLRRequest, clk.Now())
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v", err)
	}
	if posts, _, lists, _ := s.stats(); posts != 1 || lists != 1 {
		t.Fatalf("posts=%d lists=%d", posts, lists)
	}
}

func TestSubmitUnreadableCreatedBodyRecoversByLookup(t *testing.T) {
	s := newLRServer(t)
	s.react = func(int) string { return "created-garbled" }
	a, err := submit(t, s, newFakeClock())
	if err != nil {
		t.Fatal(err)
	}
	if posts, created, lists, _ := s.stats(); a.ID != "act-1" || len(a.Commands) != 3 || posts != 1 || created != 1 || lists != 1 {
		t.Fatalf("a=%s posts=%d created=%d lists=%d", a.ID, posts, created, lists)
	}
}
