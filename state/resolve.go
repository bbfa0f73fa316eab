package state

import (
	"context"
	"fmt"
	"sort"

	"mdlr/api"
)

// resolve looks for the action an intent of unknown outcome may have
// created: same device, comment and commands, created around the intent time.
// Found: the entry becomes submitted. Not found after resolveGrace: rejected
// (it never arrived). It never resubmits. It returns the entry and whether it
// changed.
func (e *Engine) resolve(ctx context.Context, en Entry) (Entry, bool, error) {
	filter := api.And(
		api.Eq("machineId", en.Device.ID),
		api.Eq("type", "LiveResponse"),
		api.GeTime("creationDateTimeUtc", en.CreatedAt.Add(-clockSkew)),
	)
	list, err := e.svc.ListMachineActions(ctx, api.ListOptions{Filter: filter, Top: 100})
	if err != nil {
		return en, false, fmt.Errorf("look for the action of intent %s: %w", en.IntentID, err)
	}
	sort.SliceStable(list, func(a, b int) bool { return list[a].CreationDateTimeUTC.Before(list[b].CreationDateTimeUTC) })
	for _, a := range list {
		if !e.matchesIntent(a, en) {
			continue
		}
		var updated Entry
		r := &round{changed: map[string]bool{}}
		e.update(en.IntentID, func(x *Entry) { markSubmitted(x, a, e.opts.OutRoot) }, r)
		e.mu.Lock()
		if t, ok := e.byIntent[en.IntentID]; ok {
			updated = t.entry
		}
		e.mu.Unlock()
		return updated, true, firstErr(r.errs)
	}
	if e.now().Sub(en.CreatedAt) < resolveGrace {
		return en, false, nil
	}
	r := &round{changed: map[string]bool{}}
	e.update(en.IntentID, func(x *Entry) {
		x.Phase = PhaseRejected
		x.LastError = "no matching action exists on the service: it was never submitted (submit it again if still needed)"
	}, r)
	return en, true, firstErr(r.errs)
}

// matchesIntent reports whether a listed action is the one an intent created.
func (e *Engine) matchesIntent(a api.MachineAction, en Entry) bool {
	if !validActionID(a.ID) || a.MachineID != en.Device.ID || a.RequestorComment != en.Request.Comment {
		return false
	}
	if d := a.CreationDateTimeUTC.Sub(en.CreatedAt); d < -clockSkew || d > resolveGrace+clockSkew {
		return false
	}
	e.mu.Lock()
	taken := e.byActionLocked(a.ID) != nil
	e.mu.Unlock()
	if taken {
		return false
	}
	if len(a.Commands) == 0 { // the service sometimes omits commands
		return true
	}
	if len(a.Commands) != len(en.Request.Commands) {
		return false
	}
	for i, c := range a.Commands {
		want := en.Request.Commands[i]
		if c.Command.Type != want.Type {
			return false
		}
		for _, p := range want.Params {
			if c.Command.Param(p.Key) != p.Value {
				return false
			}
		}
	}
	return true
}

func firstErr(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errs[0]
}

// sortViewsNewestFirst orders views by creation time, newest first.
func sortViewsNewestFirst(vs []ActionView) {
	sort.SliceStable(vs, func(a, b int) bool { return vs[a].Created.After(vs[b].Created) })
}
