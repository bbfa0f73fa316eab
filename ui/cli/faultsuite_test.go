package cli

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"mdlr/api"
	"mdlr/api/mdesim"
	"mdlr/state"
)

// The fault-injection suite: many randomized single-device `mdlr run`
// executions, each against a fresh simulated tenant on a fake clock with
// random faults. Quick mode runs faultQuickRuns; the long mode is
//
//	MDLR_FAULT_RUNS=200 go test -run FaultSuite ./ui/cli/
//
// MDLR_FAULT_SEED replays another sequence.
const (
	faultQuickRuns = 25
	faultSeed      = 20261127
)

// faultScenario is one randomized run.
type faultScenario struct {
	n         int
	device    string
	args      []string // run flags (commands and comment)
	faults    mdesim.Faults
	lifetime  time.Duration // token lifetime (0: default)
	tokenLie  time.Duration // extra lifetime the client is told
	burstAt   int           // poll wait at which a 429 burst starts (0: none)
	expireAt  int           // poll wait at which result links expire for two waits (0: none)
	dropAllAt int           // poll wait at which every request is dropped for one wait (0: none)
}

func (s faultScenario) String() string {
	f := s.faults
	return fmt.Sprintf("run %d: %s %q faults{429:%.2f ra:%s 5xx:%.2f dropAfter:%.2f dropBefore:%.2f slow:%s malformed:%.2f paths:%v} token:%s+%s burst@%d expire@%d dropAll@%d",
		s.n, s.device, s.args, f.Throttle429, f.RetryAfter, f.ServerError, f.DropAfterWork, f.DropBefore, f.Slow, f.Malformed, f.Paths,
		s.lifetime, s.tokenLie, s.burstAt, s.expireAt, s.dropAllAt)
}

var (
	faultWinPaths = []string{`C:\Windows\Temp\triage.zip`, `C:\Windows\System32\drivers\etc\hosts`, `C:\Users\Public\notes.txt`,
		`C:\ProgramData\evil\payload.dll`, `C:\Windows\Temp\big-memory.dmp`, `C:\Windows\Temp\..\Temp\x.log`, `C:\Windows\Prefetch\CMD.EXE-0BD30981.pf`}
	faultLinuxPaths = []string{"/var/log/auth.log", "/etc/passwd", "/tmp/big-core.dump", "/home/alice/.bash_history"}
	faultWinScripts = []string{mdesim.ScriptProcessList, mdesim.ScriptProcessList + " -Name svchost",
		mdesim.ScriptTriage + ` -OutPath C:\Windows\Temp\triage.zip -Days 3`, mdesim.ScriptHostile, mdesim.ScriptBroken, mdesim.ScriptSlow}
	faultLinuxScripts = []string{mdesim.ScriptNetstat}
	faultPutFiles     = []string{mdesim.ToolWinpmem, mdesim.ScriptTriage, mdesim.ScriptProcessList}
)

// pick returns one element, the rarer ones (listed last) less often.
func pickFrom[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func newFaultScenario(r *rand.Rand, n int) faultScenario {
	s := faultScenario{n: n, device: mdesim.DeviceAnalyst}
	paths, scripts := faultWinPaths, faultWinScripts
	if r.IntN(5) == 0 {
		s.device, paths, scripts = mdesim.DeviceLinux, faultLinuxPaths, faultLinuxScripts
	}
	var args []string
	used := map[string]bool{}
	for range r.IntN(2) {
		if f := pickFrom(r, faultPutFiles); !used[f] {
			used[f] = true
			args = append(args, "--putfile", f)
		}
	}
	for range r.IntN(3) {
		sc := pickFrom(r, scripts)
		if (strings.HasPrefix(sc, mdesim.ScriptSlow) || strings.HasPrefix(sc, mdesim.ScriptBroken)) && r.IntN(3) != 0 {
			sc = scripts[0] // slow and failing scripts are rarer
		}
		args = append(args, "--script", sc)
	}
	for range r.IntN(4) {
		p := pickFrom(r, paths)
		if strings.Contains(p, "big") && r.IntN(2) == 0 {
			p = paths[0] // big files are slower under -race
		}
		if !used[p] {
			used[p] = true
			args = append(args, "--getfile", p)
		}
	}
	if len(args) == 0 {
		args = append(args, "--getfile", paths[0])
	}
	s.args = append(args, "--comment", fmt.Sprintf("FAULT-%d %08x", n, r.Uint32()))

	prob := func(maxP float64) float64 {
		if r.IntN(2) == 0 {
			return 0
		}
		return r.Float64() * maxP
	}
	s.faults = mdesim.Faults{
		Seed:          r.Int64(),
		Throttle429:   prob(0.3),
		RetryAfter:    time.Duration(1+r.IntN(20)) * time.Second,
		ServerError:   prob(0.2),
		DropAfterWork: prob(0.15),
		DropBefore:    prob(0.15),
		Malformed:     prob(0.15),
	}
	if r.IntN(4) == 0 {
		s.faults.Slow = time.Duration(1+r.IntN(4)) * time.Millisecond
	}
	switch r.IntN(6) {
	case 0:
		s.faults.Paths = []string{"runliveresponse"}
	case 1:
		s.faults.Paths = []string{"/blob/", "GetLiveResponseResultDownloadLink"}
	case 2:
		s.faults.Paths = []string{"machineactions"}
	}
	switch r.IntN(4) {
	case 0:
		s.lifetime = 90 * time.Second // shorter than the client's early refresh: a new token per call
	case 1:
		s.lifetime, s.tokenLie = time.Minute, 10*time.Minute // the client trusts an expired token: 401 mid-run
	case 2:
		s.lifetime = 4 * time.Minute
	}
	if r.IntN(3) == 0 {
		s.burstAt = 1 + r.IntN(4)
	}
	if r.IntN(3) == 0 {
		s.expireAt = 1 + r.IntN(6)
	}
	if r.IntN(5) == 0 {
		s.dropAllAt = 1 + r.IntN(4)
	}
	return s
}

// faultOutcome is what one run did, as the suite counts it.
type faultOutcome struct {
	panicked      bool
	code          int
	unknown       bool // the intent ended without a known outcome
	duplicate     bool // more than one action for the intent
	missingFiles  int  // completed GetFile results not on disk with the right sha256
	overBudget    int  // requests above the documented budgets
	requests      int
	faultsSeen    int // requests answered with an injected or real error (status 0, 429, 5xx, 401)
	expired401    int // API calls refused for an expired token
	expiredLinks  int // result links refused as expired
	problems      []string
	actionCreated bool
}

// runFaultScenario runs one scenario on a fresh tenant and checks it.
func runFaultScenario(t *testing.T, s faultScenario) (out faultOutcome) {
	h, _ := newWrappedHarness(t, mdesim.Options{TokenLifetime: s.lifetime}, wrapOptions{tokenLie: s.tokenLie})
	h.sim.SetFaults(s.faults)
	h.onSleep = func(h *harness) {
		n := len(h.sleeps)
		f := s.faults
		f.Seed += int64(n)
		switch {
		case s.dropAllAt > 0 && n == s.dropAllAt:
			f.DropBefore, f.Paths = 1, nil
		case s.burstAt > 0 && n >= s.burstAt && n < s.burstAt+2:
			f.Throttle429, f.Paths = 1, nil
		case s.expireAt > 0 && n >= s.expireAt && n < s.expireAt+2:
			f.ExpireLinks = true
		}
		h.sim.SetFaults(f)
	}
	outDir := t.TempDir()
	var stdout, stderr string
	func() {
		defer func() {
			if p := recover(); p != nil {
				out.panicked = true
				out.problems = append(out.problems, fmt.Sprintf("panic: %v", p))
			}
		}()
		stdout, stderr, out.code = h.run(append([]string{"run", "--json", "--device", s.device, "--out", outDir}, s.args...)...)
	}()
	h.sim.SetFaults(mdesim.Faults{})
	if out.panicked {
		return out
	}
	fail := func(format string, a ...any) { out.problems = append(out.problems, fmt.Sprintf(format, a...)) }

	created := h.sim.ActionsFor(s.device)
	out.actionCreated = created > 0
	if created > 1 {
		out.duplicate = true
		fail("%d actions created for one intent", created)
	}
	reqs := h.sim.Requests()
	out.requests = len(reqs)
	for _, r := range reqs {
		if r.Status == 0 || r.Status == 401 || r.Status == 429 || r.Status >= 500 {
			out.faultsSeen++
		}
		if r.Status == http.StatusUnauthorized {
			out.expired401++
		}
		if r.Status == http.StatusForbidden && strings.HasPrefix(r.Path, "/blob/") {
			out.expiredLinks++
		}
	}
	if n, first := budgetExcess(reqs); n > 0 {
		out.overBudget = n
		fail("%d requests over the documented budgets (first: %s)", n, first)
	}

	j, err := state.OpenJournal(h.env["MDLR_STATE_DIR"])
	if err != nil {
		fail("journal: %v", err)
		return out
	}
	entries, errs := j.List()
	if len(errs) > 0 {
		fail("journal errors: %v", errs)
	}
	evs := events(t, stdout)
	submitted := eventsOf(evs, "submitted")
	switch out.code {
	case ExitSucceeded, ExitActionEnded:
		if len(entries) != 1 || len(submitted) != 1 {
			fail("exit %d with %d journal entries and %d submitted events", out.code, len(entries), len(submitted))
			out.unknown = true
			return out
		}
		en := entries[0]
		if created != 1 || en.ActionID == "" || submitted[0]["actionId"] != en.ActionID {
			fail("exit %d but the action is not known: journal %s/%q, event %v, tenant has %d", out.code, en.Phase, en.ActionID, submitted[0]["actionId"], created)
			out.unknown = true
		}
		done := eventsOf(evs, "done")
		if len(done) != 1 || en.Phase != state.PhaseDone || en.Action == nil || !api.IsTerminalStatus(en.Action.Status) {
			fail("exit %d without a terminal outcome: phase %s, done events %v", out.code, en.Phase, done)
			out.unknown = true
		}
		if en.Action != nil {
			out.missingFiles = checkCollectedFiles(en, fail)
		}
	case ExitNotSent:
		// Could not submit: nothing may exist on the tenant unless the
		// CLI reported the action it created.
		if created > 0 && len(submitted) == 0 {
			out.unknown = true
			fail("exit 3 (could not submit) but the tenant has %d action(s); journal %v", created, phases(entries))
		}
		for _, en := range entries {
			if en.Phase == state.PhaseSubmitted || en.Phase == state.PhaseDone {
				if created == 0 {
					fail("journal says %s but the tenant has no action", en.Phase)
					out.unknown = true
				}
			}
		}
	default:
		fail("unexpected exit %d; stderr:\n%s", out.code, stderr)
		out.unknown = true
	}
	if parts := partFiles(outDir); len(parts) > 0 {
		fail("download temp files left behind: %v", parts)
	}
	if len(out.problems) > 0 {
		out.problems = append(out.problems, "stderr:\n"+stderr)
	}
	return out
}

func phases(entries []state.Entry) []string {
	var ps []string
	for _, e := range entries {
		ps = append(ps, string(e.Phase)+":"+e.ActionID)
	}
	return ps
}

// checkCollectedFiles counts GetFile commands that completed on the tenant
// but whose content is not on disk with the expected sha256.
func checkCollectedFiles(en state.Entry, fail func(string, ...any)) int {
	missing := 0
	for _, c := range en.Action.Commands {
		if c.Command.Type != api.CommandGetFile || c.CommandStatus != api.CommandStatusCompleted {
			continue
		}
		path := c.Command.Param(api.ParamPath)
		want := sha256Hex(mdesim.FileContent(path))
		rec, ok := en.Result(c.Index)
		if !ok || rec.File == nil {
			missing++
			fail("GetFile %d (%s) completed but was not saved: %+v", c.Index, path, rec)
			continue
		}
		got, err := sha256File(rec.File.Path)
		if err != nil || got != want || rec.File.SHA256 != want {
			missing++
			fail("GetFile %d (%s) saved at %s: sha256 %s (recorded %s, err %v), want %s", c.Index, path, rec.File.Path, got, rec.File.SHA256, err, want)
		}
	}
	return missing
}

// faultFigures are the suite's counters.
type faultFigures struct {
	runs, panics, unknown, duplicates, missingFiles, overBudget int
	requests, faults, exit0, exit1, exit3, actions              int
	expired401, expiredLinks                                    int
}

func (f *faultFigures) add(o faultOutcome) {
	f.runs++
	if o.panicked {
		f.panics++
	}
	if o.unknown {
		f.unknown++
	}
	if o.duplicate {
		f.duplicates++
	}
	f.missingFiles += o.missingFiles
	f.overBudget += o.overBudget
	f.requests += o.requests
	f.faults += o.faultsSeen
	f.expired401 += o.expired401
	f.expiredLinks += o.expiredLinks
	if o.actionCreated {
		f.actions++
	}
	switch o.code {
	case 0:
		f.exit0++
	case 1:
		f.exit1++
	case 3:
		f.exit3++
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestFaultSuite runs the randomized fault-injection suite and prints its
// figures; every counter but runs must be zero.
func TestFaultSuite(t *testing.T) {
	runs := envInt("MDLR_FAULT_RUNS", faultQuickRuns)
	seed := envInt("MDLR_FAULT_SEED", faultSeed)
	r := rand.New(rand.NewPCG(uint64(seed), 0xfa1175))
	var fig faultFigures
	start := time.Now()
	for i := range runs {
		s := newFaultScenario(r, i)
		o := runFaultScenario(t, s)
		fig.add(o)
		if len(o.problems) > 0 {
			t.Errorf("%s\n  %s", s, strings.Join(o.problems, "\n  "))
		}
	}
	line := fmt.Sprintf("fault suite (seed %d): runs=%d time=%s panics=%d unknown-outcome=%d duplicate-actions=%d missing-files=%d over-budget=%d | exits 0/1/3=%d/%d/%d actions=%d requests=%d failed-requests=%d expired-token-401=%d expired-links=%d",
		seed, fig.runs, time.Since(start).Round(time.Millisecond), fig.panics, fig.unknown, fig.duplicates, fig.missingFiles, fig.overBudget,
		fig.exit0, fig.exit1, fig.exit3, fig.actions, fig.requests, fig.faults, fig.expired401, fig.expiredLinks)
	t.Log(line)
	fmt.Println(line)
	if fig.faults == 0 || fig.exit0 == 0 {
		t.Errorf("the suite injected %d faults and had %d successful runs: it proves nothing", fig.faults, fig.exit0)
	}
}
