package actions

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/common"
)

// RecentTop is how many of the tenant's recent live response actions are listed.
const RecentTop = 100

// liveResponseFilter selects live response actions in ListMachineActions.
const liveResponseFilter = "type eq 'LiveResponse'"

// trackedMsg carries the engine's tracked actions.
type trackedMsg struct{ views []state.ActionView }

// recentMsg carries the tenant's recent live response actions.
type recentMsg struct {
	gen   int
	views []state.ActionView
	err   error
}

// openMsg reports the outcome of tracking an API-only action before opening it.
type openMsg struct {
	view state.ActionView
	err  error
}

func loadTrackedCmd(eng common.Engine) tea.Cmd {
	return func() tea.Msg {
		if eng == nil {
			return trackedMsg{}
		}
		return trackedMsg{views: eng.Actions()}
	}
}

func loadRecentCmd(ctx context.Context, svc api.Service, now func() time.Time, gen int) tea.Cmd {
	return func() tea.Msg {
		if svc == nil {
			return recentMsg{gen: gen, err: errors.New("no API connection")}
		}
		list, err := svc.ListMachineActions(ctx, api.ListOptions{Filter: liveResponseFilter, Top: RecentTop})
		if err != nil {
			return recentMsg{gen: gen, err: err}
		}
		t := now()
		views := make([]state.ActionView, 0, len(list))
		for _, a := range list {
			views = append(views, state.View(a, t))
		}
		return recentMsg{gen: gen, views: views}
	}
}

func trackCmd(ctx context.Context, eng common.Engine, actionID string) tea.Cmd {
	return func() tea.Msg {
		v, err := eng.Track(ctx, actionID)
		return openMsg{view: v, err: err}
	}
}

func cancelCmd(ctx context.Context, eng common.Engine, actionID, comment string) tea.Cmd {
	return func() tea.Msg {
		v, err := eng.Cancel(ctx, actionID, comment)
		return common.CancelledMsg{View: v, Err: err}
	}
}
