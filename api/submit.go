package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Submission tuning.
const (
	// submitLookback widens the search for an action created by an
	// ambiguous POST, to absorb clock skew between us and the service.
	submitLookback = 2 * time.Minute
	// emptyCommandsWait is the pause before re-reading an action whose 201
	// body had no commands; emptyCommandsTries bounds the re-reads.
	emptyCommandsWait  = 3 * time.Second
	emptyCommandsTries = 3
)

// SubmitLiveResponse starts a live response action on a device. It never
// creates two actions for one intent: after a timeout, dropped connection or
// 5xx it first looks for an action created since intentTime with the same
// comment and commands, and returns it when found. Only 429 (nothing was
// created) and a confirmed miss lead to another POST. When the outcome stays
// unknown the error wraps ErrOutcomeUnknown.
func (c *Client) SubmitLiveResponse(ctx context.Context, machineID string, req RunLiveResponseRequest, intentTime time.Time) (MachineAction, error) {
	seg, err := pathEscapeID("machine", machineID)
	if err != nil {
		return MachineAction{}, err
	}
	if len(req.Commands) == 0 {
		return MachineAction{}, errors.New("api: a live response request needs at least one command")
	}
	r, err := jsonPost("/api/machines/"+seg+"/runliveresponse", req)
	if err != nil {
		return MachineAction{}, err
	}
	r.submit = true
	if intentTime.IsZero() {
		intentTime = c.now()
	}
	uncertain := false // an earlier POST may have created the action
	for attempt := 0; ; attempt++ {
		resp, err := c.send(ctx, r)
		if err == nil {
			var a MachineAction
			if derr := decodeJSON(r, resp, &a); derr != nil || a.ID == "" {
				return c.recoverSubmitted(ctx, machineID, req, intentTime, fmt.Errorf("api: action created but unreadable: %w", orErr(derr)))
			}
			return c.completeCommands(ctx, a, len(req.Commands)), nil
		}
		if ctx.Err() != nil {
			if uncertain || ambiguous(err) {
				return MachineAction{}, fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
			}
			return MachineAction{}, err
		}
		var ae *Error
		switch {
		case errors.As(err, &ae) && ae.StatusCode == http.StatusTooManyRequests:
			if attempt >= c.retries {
				return MachineAction{}, err
			}
			if ae.RetryAfter <= 0 { // else the limiter pauses until Retry-After
				if err := c.sleep(ctx, backoff(attempt)); err != nil {
					return MachineAction{}, err
				}
			}
		case IsActiveRequestExists(err) && uncertain:
			a, found, lerr := c.findSubmitted(ctx, machineID, req, intentTime)
			if lerr != nil {
				return MachineAction{}, fmt.Errorf("%w: %w", ErrOutcomeUnknown, lerr)
			}
			if found {
				return c.completeCommands(ctx, a, len(req.Commands)), nil
			}
			return MachineAction{}, err
		case ambiguous(err):
			uncertain = true
			a, found, lerr := c.findSubmitted(ctx, machineID, req, intentTime)
			if lerr != nil {
				return MachineAction{}, fmt.Errorf("%w: %w", ErrOutcomeUnknown, lerr)
			}
			if found {
				return c.completeCommands(ctx, a, len(req.Commands)), nil
			}
			if attempt >= c.retries {
				return MachineAction{}, fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
			}
			if err := c.sleep(ctx, backoff(attempt)); err != nil {
				return MachineAction{}, fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
			}
		default:
			return MachineAction{}, err
		}
	}
}

func orErr(err error) error {
	if err == nil {
		return errors.New("no action id")
	}
	return err
}

// ambiguous reports failures after which the POST may have taken effect.
func ambiguous(err error) bool {
	var ae *Error
	if errors.As(err, &ae) {
		return ae.StatusCode >= 500
	}
	return errors.Is(err, ErrNetwork) || errors.Is(err, context.DeadlineExceeded)
}

// recoverSubmitted looks for the action after a 2xx whose body was unusable.
func (c *Client) recoverSubmitted(ctx context.Context, machineID string, req RunLiveResponseRequest, intentTime time.Time, cause error) (MachineAction, error) {
	a, found, err := c.findSubmitted(ctx, machineID, req, intentTime)
	if err == nil && found {
		return c.completeCommands(ctx, a, len(req.Commands)), nil
	}
	return MachineAction{}, fmt.Errorf("%w: %w", ErrOutcomeUnknown, cause)
}

// SubmittedFilter is the $filter that finds live response actions created on
// a device since intentTime (minus a skew margin).
func SubmittedFilter(machineID string, intentTime time.Time) string {
	return And(
		Eq("machineId", machineID),
		Eq("type", "LiveResponse"),
		GeTime("creationDateTimeUtc", intentTime.Add(-submitLookback)),
	)
}

// findSubmitted returns the newest action that matches the request.
func (c *Client) findSubmitted(ctx context.Context, machineID string, req RunLiveResponseRequest, intentTime time.Time) (MachineAction, bool, error) {
	list, err := c.ListMachineActions(ctx, ListOptions{Filter: SubmittedFilter(machineID, intentTime), Top: 100})
	if err != nil {
		return MachineAction{}, false, err
	}
	var best *MachineAction
	for i := range list {
		a := &list[i]
		if !MatchesRequest(*a, req) {
			continue
		}
		if best == nil || a.CreationDateTimeUTC.After(best.CreationDateTimeUTC) {
			best = a
		}
	}
	if best == nil {
		return MachineAction{}, false, nil
	}
	return *best, true, nil
}

// MatchesRequest reports whether action a is what req would create: a live
// response action with the same comment and the same commands (type and
// parameters). An action whose commands are not yet visible matches on a
// non-empty comment alone.
func MatchesRequest(a MachineAction, req RunLiveResponseRequest) bool {
	if a.Type != "" && a.Type != "LiveResponse" || a.RequestorComment != req.Comment {
		return false
	}
	if len(a.Commands) == 0 {
		return req.Comment != ""
	}
	if len(a.Commands) != len(req.Commands) {
		return false
	}
	cmds := slices.Clone(a.Commands)
	slices.SortFunc(cmds, func(x, y CommandStatus) int { return x.Index - y.Index })
	for i, cs := range cmds {
		if !sameCommand(cs.Command, req.Commands[i]) {
			return false
		}
	}
	return true
}

func sameCommand(got, want Command) bool {
	return strings.EqualFold(got.Type, want.Type) && slices.Equal(paramSet(got.Params), paramSet(want.Params))
}

// paramSet returns the non-empty parameters as sorted "key=value" strings.
func paramSet(ps []Param) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		if p.Value != "" {
			out = append(out, strings.ToLower(p.Key)+"="+p.Value)
		}
	}
	slices.Sort(out)
	return out
}

// completeCommands re-reads an action whose body had no commands (a known
// quirk of the 201 response), a bounded number of times.
func (c *Client) completeCommands(ctx context.Context, a MachineAction, want int) MachineAction {
	for i := 0; i < emptyCommandsTries && len(a.Commands) == 0 && want > 0; i++ {
		if c.sleep(ctx, emptyCommandsWait) != nil {
			return a
		}
		fresh, err := c.GetMachineAction(ctx, a.ID)
		if err != nil {
			return a
		}
		a = fresh
	}
	return a
}
