package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"mdlr/api"
	"mdlr/state"
)

// outcomeUnknown reports a submission that was written to the journal but
// whose fate the service did not tell (a dropped connection, a 5xx, an
// unreadable answer): the action may exist.
func outcomeUnknown(v state.ActionView) bool {
	return v.IntentID != "" && v.ActionID == "" && !v.Done && v.Status == state.StatusSubmitting
}

// resolveSubmission polls until the engine has found the action an intent
// of unknown outcome created, or has established that it never arrived. It
// never resubmits. It returns the action's view, or an error when nothing
// was created (or when stopped before knowing).
func (a *App) resolveSubmission(ctx context.Context, sess *Session, rep *reporter, view state.ActionView, cause error) (state.ActionView, error) {
	rep.progressf("submission outcome unknown (%s): looking for the action on the service; it is never resubmitted", api.Describe(cause))
	for {
		res, perr := sess.Engine.Poll(ctx)
		for _, v := range sess.Engine.Actions() {
			if v.IntentID != view.IntentID {
				continue
			}
			switch {
			case v.ActionID != "":
				return v, nil
			case v.Done:
				// Not wrapping cause: the outcome is known now.
				return v, errors.New("the service has no matching action: the submission never arrived and nothing was created (run it again if still needed)")
			}
		}
		if perr != nil && ctx.Err() == nil {
			rep.progressf("looking for the action: %s (retrying)", api.Describe(perr))
		}
		wait := res.Next
		if wait <= 0 {
			wait = 3 * time.Second
		}
		if err := a.Sleep(ctx, wait); err != nil {
			return view, errors.Join(cause, fmt.Errorf("stopped before the outcome was known; mdlr actions will resolve intent %s", view.IntentID))
		}
	}
}
