package cli

import (
	"strings"
	"testing"

	"mdlr/api/mdesim"
)

// unknownOutcomeRun submits while both the submission and the search for
// it fail with fault f, then lets the tenant recover at the first wait.
func unknownOutcomeRun(t *testing.T, f mdesim.Faults) (*harness, string, string, int) {
	t.Helper()
	h := newHarness(t, mdesim.Options{})
	f.Paths = []string{"runliveresponse", "machineactions"}
	h.sim.SetFaults(f)
	h.onSleep = func(h *harness) { h.sim.SetFaults(mdesim.Faults{}) }
	stdout, stderr, code := h.run("run", "--json", "--device", winDevice, "--putfile", "winpmem.exe", "--comment", "IR-30 unknown", "--out", t.TempDir())
	if !strings.Contains(stderr, "outcome unknown") {
		t.Fatalf("the run did not go through an unknown outcome; stderr:\n%s", stderr)
	}
	return h, stdout, stderr, code
}

// TestRunFindsTheActionOfAnUnknownSubmission: the POST created the action
// but its answer and the search were lost; run must find and follow the
// action, not report "could not submit".
func TestRunFindsTheActionOfAnUnknownSubmission(t *testing.T) {
	h, stdout, stderr, code := unknownOutcomeRun(t, mdesim.Faults{DropAfterWork: 1})
	if code != ExitSucceeded {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
	}
	sub := eventsOf(events(t, stdout), "submitted")
	if len(sub) != 1 || sub[0]["actionId"] == "" {
		t.Fatalf("submitted events = %v", sub)
	}
	if n, m := h.sim.LiveResponseActionCount(), submissions(h); n != 1 || m != 1 {
		t.Fatalf("%d actions, %d submissions; want 1 and 1", n, m)
	}
}

// TestRunReportsAnUnknownSubmissionThatNeverArrived: the POST was lost
// before the tenant saw it; run says so (exit 3) once the search window
// has passed, and never resubmits.
func TestRunReportsAnUnknownSubmissionThatNeverArrived(t *testing.T) {
	h, stdout, stderr, code := unknownOutcomeRun(t, mdesim.Faults{DropBefore: 1})
	if code != ExitNotSent {
		t.Fatalf("exit %d, want 3; stderr:\n%s", code, stderr)
	}
	if len(eventsOf(events(t, stdout), "submitted")) != 0 || !strings.Contains(stderr, "never arrived") {
		t.Fatalf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
	if n, m := h.sim.LiveResponseActionCount(), submissions(h); n != 0 || m != 1 {
		t.Fatalf("%d actions, %d submissions; want 0 and 1", n, m)
	}
}
