package signin

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"mdlr/api"
)

// eventMsg carries one sign-in event from the connecting goroutine; ch is
// where the next one arrives.
type eventMsg struct {
	gen    int
	prompt *api.DevicePrompt
	notice string
	ch     <-chan eventMsg
}

// doneMsg ends one sign-in attempt.
type doneMsg struct {
	gen     int
	session Session
	err     error
}

// connectCmd runs connect in a command; its events go through ch, read by
// listen. ch is closed when connect returns, which ends the listener.
func connectCmd(ctx context.Context, connect ConnectFunc, gen int, ch chan eventMsg) tea.Cmd {
	return func() tea.Msg {
		defer close(ch)
		send := func(e eventMsg) {
			e.gen, e.ch = gen, ch
			select {
			case ch <- e:
			case <-ctx.Done():
			}
		}
		s, err := connect(ctx, Events{
			Prompt: func(p api.DevicePrompt) { send(eventMsg{prompt: &p}) },
			Notice: func(text string) { send(eventMsg{notice: text}) },
		})
		return doneMsg{gen: gen, session: s, err: err}
	}
}

// listen waits for the next event of a sign-in (nil once it has ended).
func listen(ch <-chan eventMsg) tea.Cmd {
	return func() tea.Msg {
		e, ok := <-ch
		if !ok {
			return nil
		}
		return e
	}
}

// closeCmd releases a session that finished after its sign-in was abandoned.
func closeCmd(s Session) tea.Cmd {
	if s.Close == nil {
		return nil
	}
	return func() tea.Msg { s.Close(); return nil }
}
