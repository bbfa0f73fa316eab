package audit

import (
	tea "charm.land/bubbletea/v2"

	"mdlr/state"
)

// loadedMsg carries the audit log and its verdict.
type loadedMsg struct {
	gen     int
	entries []state.AuditEntry
	readErr error // lines that could not be read (the rest are in entries)
	report  state.AuditReport
	verErr  error // the log could not be verified at all
}

// loadCmd reads and verifies the audit log in dir.
func loadCmd(dir string, gen int) tea.Cmd {
	return func() tea.Msg {
		entries, readErr := state.ReadAudit(dir)
		report, verErr := state.VerifyAudit(dir)
		return loadedMsg{gen: gen, entries: entries, readErr: readErr, report: report, verErr: verErr}
	}
}
