package devices

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/state"
)

// Page sizes: the first page is small so the list is usable at once. Later
// pages are half the API's maximum: a page is read and decoded whole
// (about 1.3 KB of JSON and 1 KB of api.Machine per device) before it
// shrinks into rows, so smaller pages lower the process's peak memory;
// 100,000 devices take 21 requests (the limit is 100 a minute).
const (
	firstPageSize = 2000
	nextPageSize  = 5000
)

// busyFilter selects live response actions that still occupy a device.
const busyFilter = "type eq 'LiveResponse' and (status eq 'Pending' or status eq 'InProgress')"

// busyFallbackFilter and busyFallbackTop are used when busyFilter is refused.
const (
	busyFallbackFilter = "type eq 'LiveResponse'"
	busyFallbackTop    = 1000
)

// pageMsg carries one streamed page of devices.
type pageMsg struct {
	gen      int
	skip     int
	top      int
	machines []api.Machine
	err      error
}

// busyMsg carries the devices that already run a live response action.
type busyMsg struct {
	gen  int
	busy map[string]string // machine id → action id
	err  error
}

// spinMsg advances the loading spinner.
type spinMsg struct{ gen int }

func loadPageCmd(ctx context.Context, svc api.Service, gen, skip, top int) tea.Cmd {
	return func() tea.Msg {
		ms, err := svc.ListMachines(ctx, api.ListOptions{Top: top, Skip: skip})
		return pageMsg{gen: gen, skip: skip, top: top, machines: ms, err: err}
	}
}

func loadBusyCmd(ctx context.Context, svc api.Service, gen int) tea.Cmd {
	return func() tea.Msg {
		acts, err := svc.ListMachineActions(ctx, api.ListOptions{Filter: busyFilter})
		if err != nil && ctx.Err() == nil {
			// Some services reject parentheses in $filter: ask for recent
			// live response actions and keep the unfinished ones here.
			acts, err = svc.ListMachineActions(ctx, api.ListOptions{Filter: busyFallbackFilter, Top: busyFallbackTop})
		}
		busy := make(map[string]string, len(acts))
		for _, a := range acts {
			if !api.IsTerminalStatus(a.Status) {
				busy[a.MachineID] = a.ID
			}
		}
		return busyMsg{gen: gen, busy: busy, err: err}
	}
}

// trackedBusy returns the devices with an unfinished action tracked by the engine.
func trackedBusy(views []state.ActionView) map[string]string {
	out := make(map[string]string)
	for _, v := range views {
		if v.ActionID != "" && !api.IsTerminalStatus(v.Status) {
			out[v.DeviceID] = v.ActionID
		}
	}
	return out
}
