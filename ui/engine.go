package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/common"
)

// minPollInterval bounds how fast the poll loop can spin whatever the engine says.
const minPollInterval = time.Second

// budgetMsg carries the API budget read at start.
type budgetMsg struct{ budget api.Budget }

func (m *Model) readBudget() tea.Cmd {
	if m.c.API == nil {
		return nil
	}
	svc := m.c.API
	return func() tea.Msg { return budgetMsg{budget: svc.Budget()} }
}

// submit runs Engine.Submit for a confirmed plan.
func (m *Model) submit(p state.Plan) tea.Cmd {
	if m.c.ReadOnly || m.c.Engine == nil {
		return func() tea.Msg {
			return common.SubmittedMsg{Plan: p, Err: errReadOnly}
		}
	}
	m.submitting = true
	eng, ctx := m.c.Engine, m.c.Ctx
	return func() tea.Msg {
		// "" lets the engine save into <OutRoot>/<action id>.
		v, err := eng.Submit(ctx, p, "")
		return common.SubmittedMsg{Plan: p, View: v, Err: err}
	}
}

func (m *Model) onSubmitted(msg common.SubmittedMsg) tea.Cmd {
	m.submitting = false
	cmds := []tea.Cmd{m.broadcast(msg)}
	if msg.Err != nil {
		return tea.Batch(append(cmds, m.setStatus("submit to "+msg.Plan.Device.Name+": "+api.Describe(msg.Err), true))...)
	}
	m.refreshActions()
	cmds = append(cmds, m.startPolling())
	m.stack = m.stack[:1] // back from progress goes to the devices, never to a spent confirmation
	if msg.View.ActionID != "" {
		cmds = append(cmds, m.navigate(common.NavigateMsg{To: common.ProgressScreen, ActionID: msg.View.ActionID}))
	} else {
		cmds = append(cmds, m.navigate(common.NavigateMsg{To: common.ActionsScreen}),
			m.setStatus("submitted; waiting for Defender to confirm the action id", false))
	}
	return tea.Batch(cmds...)
}

// startPolling starts a new poll loop generation now; any older loop's
// pending tick is ignored, so exactly one loop runs.
func (m *Model) startPolling() tea.Cmd {
	if m.c.Engine == nil {
		return nil
	}
	m.pollGen++
	m.polling = true
	return m.pollCmd(m.pollGen)
}

func (m *Model) pollCmd(gen int) tea.Cmd {
	eng, ctx := m.c.Engine, m.c.Ctx
	return func() tea.Msg {
		r, err := eng.Poll(ctx)
		return polledMsg{gen: gen, PolledMsg: common.PolledMsg{Result: r, Err: err}}
	}
}

// polledMsg tags a poll result with its loop generation.
type polledMsg struct {
	gen int
	common.PolledMsg
}

// onPoll handles PollMsg: Gen 0 is a request from a screen to (re)start
// polling now; other values are the loop's own ticks.
func (m *Model) onPoll(msg common.PollMsg) tea.Cmd {
	if msg.Gen == 0 {
		m.refreshActions()
		return m.startPolling()
	}
	if msg.Gen != m.pollGen || !m.polling {
		return nil
	}
	return m.pollCmd(msg.Gen)
}

// onPolled forwards a poll result to every screen and re-arms the loop.
func (m *Model) onPolled(msg common.PolledMsg) tea.Cmd {
	b := msg.Result.Budget
	m.budget = &b
	cmds := []tea.Cmd{m.broadcast(msg)}
	if msg.Err != nil {
		cmds = append(cmds, m.setStatus("checking actions: "+api.Describe(msg.Err), true))
	}
	cmds = append(cmds, m.announceEnded(msg.Result.Changed))
	m.refreshActions()
	return tea.Batch(cmds...)
}

func (m *Model) rearm(gen int, next time.Duration) tea.Cmd {
	if m.running == 0 {
		m.polling = false
		return nil
	}
	next = max(next, minPollInterval)
	return m.tick(next, func(time.Time) tea.Msg { return common.PollMsg{Gen: gen} })
}

// announceEnded rings the bell and says so when an action reaches its end.
func (m *Model) announceEnded(changed []state.ActionView) tea.Cmd {
	var cmds []tea.Cmd
	for _, v := range changed {
		if v.ActionID == "" || !api.IsTerminalStatus(v.Status) || m.ended[v.ActionID] {
			continue
		}
		m.ended[v.ActionID] = true
		cmds = append(cmds, tea.Raw("\a"), m.setStatus(v.DeviceName+": action "+v.Status, v.Status != api.StatusSucceeded))
	}
	return tea.Batch(cmds...)
}

func (m *Model) onCancelled(msg common.CancelledMsg) tea.Cmd {
	cmds := []tea.Cmd{m.broadcast(msg)}
	if msg.Err != nil {
		cmds = append(cmds, m.setStatus("cancel: "+api.Describe(msg.Err), true))
	} else {
		cmds = append(cmds, m.setStatus("cancellation requested for "+msg.View.DeviceName, false))
	}
	m.refreshActions()
	return tea.Batch(cmds...)
}

// refreshActions recounts the tracked actions that are still running and
// how far their commands got; terminal ones seen at start are not announced.
func (m *Model) refreshActions() {
	m.running, m.pct = 0, 0
	if m.c.Engine == nil {
		return
	}
	total, finished := 0, 0
	for _, v := range m.c.Engine.Actions() {
		if v.Done || (v.ActionID != "" && api.IsTerminalStatus(v.Status)) {
			if v.ActionID != "" && !m.polling {
				m.ended[v.ActionID] = true
			}
			continue
		}
		m.running++
		for _, c := range v.Commands {
			total++
			if c.State != state.CmdWaiting && c.State != state.CmdRunning {
				finished++
			}
		}
	}
	if total > 0 {
		m.pct = finished * 100 / total
	}
}

type readOnlyError struct{}

func (readOnlyError) Error() string { return "mdlr runs read-only: submitting is switched off" }

var errReadOnly error = readOnlyError{}
