package compose

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/common"
	"mdlr/ui/inert"
)

// handleKey routes a key press by mode.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	switch m.mode {
	case modeFilter:
		return m.filterKey(msg)
	case modeEdit:
		return m.editKey(msg)
	case modePreview:
		return m.previewKey(msg)
	case modeUpload:
		return m.uploadKey(msg)
	case modeDelete:
		return m.deleteKey(msg)
	}
	return m.browseKey(msg)
}

func (m *Model) handlePaste(msg tea.PasteMsg) tea.Cmd {
	switch m.mode {
	case modeFilter:
		if m.filter.Update(msg) {
			m.refilter()
		}
	case modeEdit:
		m.editField(msg)
	case modeUpload:
		if m.upload.focus < len(m.upload.fields) && m.upload.fields[m.upload.focus].Update(msg) && m.upload.focus == upPath {
			return m.checkUploadPath()
		}
	}
	return nil
}

// browseKey handles keys while browsing the two panes.
func (m *Model) browseKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	c := k.Compose
	switch {
	case key.Matches(msg, k.Nav.NextPane, k.Nav.PrevPane):
		m.focus = 1 - m.focus
	case key.Matches(msg, k.Nav.Up):
		m.moveCursor(-1)
	case key.Matches(msg, k.Nav.Down):
		m.moveCursor(1)
	case key.Matches(msg, k.Nav.Home):
		m.moveCursor(-1 << 30)
	case key.Matches(msg, k.Nav.End):
		m.moveCursor(1 << 30)
	case key.Matches(msg, c.Filter):
		m.mode, m.focus = modeFilter, focusLibrary
		m.filter.Focus()
	case key.Matches(msg, c.AddRunScript):
		m.addFromLibrary(api.CommandRunScript)
	case key.Matches(msg, c.AddPutFile):
		m.addFromLibrary(api.CommandPutFile)
	case key.Matches(msg, c.AddGetFile):
		m.startEdit(editPath, -1, state.PlanCommand{Type: api.CommandGetFile})
	case key.Matches(msg, c.EditItem):
		m.editSelected()
	case key.Matches(msg, c.Remove):
		m.removeSelected()
	case key.Matches(msg, c.MoveUp):
		m.moveSelected(-1)
	case key.Matches(msg, c.MoveDown):
		m.moveSelected(1)
	case key.Matches(msg, c.Comment):
		m.startEdit(editComment, -1, state.PlanCommand{})
	case key.Matches(msg, c.Preview):
		m.openPreview()
	case key.Matches(msg, c.Submit):
		return m.review()
	case key.Matches(msg, c.Upload):
		return m.openUpload()
	case key.Matches(msg, c.DeleteFile):
		m.askDelete()
	}
	return nil
}

// moveCursor moves the focused pane's cursor by d (clamped).
func (m *Model) moveCursor(d int) {
	if m.focus == focusLibrary {
		m.libCursor = max(0, min(m.libCursor+d, len(m.rows)-1))
		return
	}
	m.planSel = max(0, min(m.planSel+d, len(m.plan.Commands)-1))
}

func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Global.Back):
		m.filter.SetValue("")
		m.filter.Blur()
		m.mode = modeBrowse
		m.refilter()
	case key.Matches(msg, k.Nav.Select):
		m.filter.Blur()
		m.mode = modeBrowse
	case key.Matches(msg, k.Nav.Up) && msg.Text == "": // arrows move; letters type
		m.moveCursor(-1)
	case key.Matches(msg, k.Nav.Down) && msg.Text == "":
		m.moveCursor(1)
	default:
		if m.filter.Update(msg) {
			m.libCursor = 0
			m.refilter()
		}
	}
	return nil
}

// addFromLibrary adds a PutFile at once, or opens the Args editor for a RunScript.
func (m *Model) addFromLibrary(typ string) {
	f, ok := m.selectedFile()
	if !ok {
		m.setNote("choose a library file first (the library is empty or still loading)", true)
		return
	}
	cmd := state.PlanCommand{Type: typ, Name: f.FileName}
	if typ == api.CommandRunScript {
		m.startEdit(editArgs, -1, cmd)
		return
	}
	m.commit(-1, cmd)
	m.setNote("added PutFile "+inert.Text(f.FileName), false)
}

func (m *Model) editSelected() {
	if len(m.plan.Commands) == 0 {
		m.setNote("the plan is empty: add a command first", true)
		return
	}
	m.focus = focusPlan
	c := m.plan.Commands[m.planSel]
	switch c.Type {
	case api.CommandRunScript:
		m.startEdit(editArgs, m.planSel, c)
	case api.CommandGetFile:
		m.startEdit(editPath, m.planSel, c)
	default:
		m.setNote(fmt.Sprintf("%s has nothing to edit; remove it and add another file instead", inert.Text(c.Type)), true)
	}
}

func (m *Model) removeSelected() {
	if m.focus != focusPlan || len(m.plan.Commands) == 0 {
		m.setNote("select a command in the plan (tab) to remove it", true)
		return
	}
	m.plan.Remove(m.planSel)
	m.planSel = max(0, min(m.planSel, len(m.plan.Commands)-1))
	m.revalidate()
}

func (m *Model) moveSelected(d int) {
	if m.focus != focusPlan || len(m.plan.Commands) == 0 {
		return
	}
	if !m.plan.Move(m.planSel, d) {
		m.setNote("can't move there: commands run in the order PutFile → RunScript → GetFile", true)
		return
	}
	m.planSel += d
	m.note = ""
	m.revalidate()
}

// commit stores an added (index -1) or edited command and selects it.
func (m *Model) commit(index int, c state.PlanCommand) {
	if index >= 0 && index < len(m.plan.Commands) {
		m.plan.Commands[index] = c
		m.planSel = index
	} else {
		m.plan.Add(c)
		for i := len(m.plan.Commands) - 1; i >= 0; i-- {
			if m.plan.Commands[i] == c {
				m.planSel = i
				break
			}
		}
	}
	m.focus = focusPlan
	m.revalidate()
}

// review validates the plan and goes to Confirm, or shows the problems
// and focuses the first field at fault.
func (m *Model) review() tea.Cmd {
	m.attempted = true
	m.revalidate()
	if m.c.ReadOnly {
		m.setNote("read-only mode: submitting is disabled", true)
		return nil
	}
	if len(m.problems) > 0 {
		m.focusProblem(m.problems[0])
		return nil
	}
	p, d := m.Plan(), m.device
	return common.Navigate(common.NavigateMsg{To: common.ConfirmScreen, Plan: &p, Device: &d})
}

// focusProblem puts the cursor (and the editor) on the field at fault.
func (m *Model) focusProblem(p state.Problem) {
	m.setNote(fmt.Sprintf("%d problem(s) to fix: %s", len(m.problems), p.Message), true)
	switch {
	case p.Field == "comment":
		m.startEdit(editComment, -1, state.PlanCommand{})
	case p.Index >= 0 && p.Index < len(m.plan.Commands):
		m.focus, m.planSel = focusPlan, p.Index
		if p.Field == "args" || p.Field == "path" {
			m.editSelected()
		}
	}
}
