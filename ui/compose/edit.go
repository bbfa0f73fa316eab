package compose

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/inert"
)

// Path hints for GetFile, by device OS.
const (
	windowsPathHint = `C:\Windows\Temp\file.zip`
	otherPathHint   = "/var/log/syslog"
)

// startEdit opens the inline editor for args, a path or the comment.
func (m *Model) startEdit(kind editKind, index int, c state.PlanCommand) {
	m.edit = editor{kind: kind, index: index, cmd: c}
	m.edit.field.SetWidth(max(10, m.width-24))
	switch kind {
	case editArgs:
		m.edit.field.SetValue(c.Args)
		m.edit.field.Placeholder = "no arguments"
		if f, ok := m.libraryFile(c.Name); ok && f.ParametersDescription != "" {
			m.edit.field.Placeholder = f.ParametersDescription
		}
	case editPath:
		m.edit.field.SetValue(c.Path)
		m.edit.field.Placeholder = m.pathHint()
	case editComment:
		m.edit.field.SetValue(m.plan.Comment)
		m.edit.field.Placeholder = "why (required, recorded with the action), e.g. INC-4711 triage"
	}
	m.edit.field.Focus()
	m.mode = modeEdit
}

// pathHint is an OS-aware example path for GetFile.
func (m *Model) pathHint() string {
	if state.IsWindows(m.device.OSPlatform) {
		return windowsPathHint
	}
	return otherPathHint
}

func (m *Model) libraryFile(name string) (api.LibraryFile, bool) {
	for _, f := range m.library {
		if f.FileName == name {
			return f, true
		}
	}
	return api.LibraryFile{}, false
}

// editKey handles keys in the inline editor: enter saves, esc cancels.
func (m *Model) editKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Global.Back):
		m.edit.field.Blur()
		m.mode = modeBrowse
	case key.Matches(msg, k.Nav.Select):
		m.edit.touched = true
		m.saveEdit()
	default:
		m.editField(msg)
	}
	return nil
}

// editField feeds a key or paste to the editor, noting a changed value.
func (m *Model) editField(msg tea.Msg) {
	before := m.edit.field.Value()
	m.edit.field.Update(msg)
	if m.edit.field.Value() != before {
		m.edit.touched = true
	}
}

// editHint is the neutral text under an editor the user has not touched.
func (m *Model) editHint() string {
	switch m.edit.kind {
	case editComment:
		return "why this action runs; recorded with it (e.g. a ticket number)"
	case editPath:
		return "the full path of the file on the device, e.g. " + m.pathHint()
	}
	if f, ok := m.libraryFile(m.edit.cmd.Name); ok && f.ParametersDescription != "" {
		return "parameters: " + inert.Text(f.ParametersDescription)
	}
	return "arguments for the script, if it takes any"
}

// saveEdit applies the editor's value. Commands are kept even when invalid
// (the problem shows inline); an empty comment keeps the editor open.
func (m *Model) saveEdit() {
	v := m.edit.field.Value()
	switch m.edit.kind {
	case editComment:
		if strings.TrimSpace(v) == "" {
			return
		}
		m.plan.Comment = v
		m.revalidate()
	case editArgs:
		c := m.edit.cmd
		c.Args = strings.TrimSpace(v)
		m.commit(m.edit.index, c)
	case editPath:
		c := m.edit.cmd
		c.Path = strings.TrimSpace(v)
		m.commit(m.edit.index, c)
	}
	m.edit.field.Blur()
	m.mode = modeBrowse
}

// liveProblem validates the editor's current value: the message to show
// under the field, or "".
func (m *Model) liveProblem() string {
	v := m.edit.field.Value()
	switch m.edit.kind {
	case editComment:
		if strings.TrimSpace(v) == "" {
			return "a comment is required (it is recorded with the action, e.g. a ticket number)"
		}
		return ""
	case editArgs:
		if bad := state.ForbiddenArgChars(v); len(bad) > 0 {
			q := make([]string, len(bad))
			for i, r := range bad {
				q[i] = string(r)
			}
			return fmt.Sprintf("forbidden: %s (the service rejects ; & | ! $ ( ))", strings.Join(q, " "))
		}
	}
	c := m.edit.cmd
	field := "args"
	if m.edit.kind == editPath {
		c.Path, field = strings.TrimSpace(v), "path"
	} else {
		c.Args = strings.TrimSpace(v)
	}
	probe := state.Plan{Device: m.device, Comment: "probe", Commands: []state.PlanCommand{c}}
	for _, p := range probe.Validate(nil) {
		if p.Field == field {
			return inert.Text(p.Message)
		}
	}
	return ""
}

// openPreview shows the exact JSON request body in a scrollable viewport.
func (m *Model) openPreview() {
	body, err := m.plan.RequestJSON()
	if err != nil {
		m.setNote("cannot preview: "+err.Error(), true)
		return
	}
	m.preview.SetContent(inert.Block(string(body)))
	m.preview.GotoTop()
	m.mode = modePreview
}

func (m *Model) previewKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Compose.Preview, k.Global.Back):
		m.mode = modeBrowse
	case key.Matches(msg, k.Nav.Up):
		m.preview.ScrollUp(1)
	case key.Matches(msg, k.Nav.Down):
		m.preview.ScrollDown(1)
	case key.Matches(msg, k.Nav.PageUp):
		m.preview.PageUp()
	case key.Matches(msg, k.Nav.PageDown):
		m.preview.PageDown()
	case key.Matches(msg, k.Nav.Home):
		m.preview.GotoTop()
	case key.Matches(msg, k.Nav.End):
		m.preview.GotoBottom()
	}
	return nil
}
