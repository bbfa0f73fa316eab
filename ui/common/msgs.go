package common

import (
	tea "charm.land/bubbletea/v2"

	"mdlr/state"
)

// NavigateMsg asks the root to show a screen. The optional fields carry
// what the target screen needs.
type NavigateMsg struct {
	To           ScreenID
	Device       *state.Device
	Plan         *state.Plan
	ActionID     string
	CommandIndex int
	// BusyActionID is the live response action the Device already runs
	// (Compose warns that Defender refuses a second one until it ends).
	BusyActionID string
}

// BackMsg asks the root to return to the previous screen.
type BackMsg struct{}

// ErrMsg reports a failed operation; the root shows it in the status bar.
type ErrMsg struct {
	Op  string
	Err error
}

// InfoMsg is a short notice for the status bar.
type InfoMsg struct{ Text string }

// SubmitMsg asks the root to submit a confirmed plan (the only path to a submission).
type SubmitMsg struct{ Plan state.Plan }

// SubmittedMsg reports the outcome of a submission.
type SubmittedMsg struct {
	Plan state.Plan
	View state.ActionView
	Err  error
}

// PollMsg asks the root to run one poll round of the engine now.
type PollMsg struct{ Gen int }

// PolledMsg carries the result of one poll round.
type PolledMsg struct {
	Result state.PollResult
	Err    error
}

// CancelledMsg reports the outcome of a cancel request.
type CancelledMsg struct {
	View state.ActionView
	Err  error
}

// Navigate returns a command that emits a NavigateMsg.
func Navigate(m NavigateMsg) tea.Cmd { return func() tea.Msg { return m } }

// Back returns a command that emits a BackMsg.
func Back() tea.Cmd { return func() tea.Msg { return BackMsg{} } }

// ReportError returns a command that emits an ErrMsg.
func ReportError(op string, err error) tea.Cmd {
	return func() tea.Msg { return ErrMsg{Op: op, Err: err} }
}

// Info returns a command that emits an InfoMsg.
func Info(text string) tea.Cmd { return func() tea.Msg { return InfoMsg{Text: text} } }
