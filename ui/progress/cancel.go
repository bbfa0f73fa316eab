package progress

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"mdlr/api"
)

var (
	errReadOnly = errors.New("mdlr runs read-only: cancelling is switched off")
	errFinished = errors.New("the action has already finished")
	errNoID     = errors.New("the action has no id yet: wait for the submission to be confirmed")
)

// beginCancel opens the cancel dialogue (comment first, then y/N).
func (m *Model) beginCancel() tea.Cmd {
	switch {
	case !m.haveIt:
		return nil
	case m.c.ReadOnly:
		m.cancelErr = errReadOnly
	case api.IsTerminalStatus(m.view.Status):
		m.cancelErr = errFinished
	case m.view.ActionID == "":
		m.cancelErr = errNoID
	default:
		m.cancelErr = nil
		m.phase = cancelComment
		m.comment.SetValue("")
		m.comment.Focus()
	}
	return nil
}

func (m *Model) onCancelKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	switch m.phase {
	case cancelComment:
		switch {
		case key.Matches(msg, k.Global.Back):
			m.phase = cancelNone
			m.comment.Blur()
		case key.Matches(msg, k.Nav.Select):
			if strings.TrimSpace(m.comment.Value()) != "" {
				m.phase = cancelConfirm
				m.comment.Blur()
			}
		default:
			m.comment.Update(msg)
		}
	case cancelConfirm:
		switch {
		case key.Matches(msg, k.Confirm.Yes):
			if m.c.Engine == nil {
				m.phase = cancelNone
				return nil
			}
			m.phase = cancelSending
			return cancelCmd(m.c.Ctx, m.c.Engine, m.view.ActionID, strings.TrimSpace(m.comment.Value()))
		case key.Matches(msg, k.Confirm.No):
			m.phase = cancelNone
		}
	}
	return nil
}
