package compose

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"mdlr/ui/inert"
	"mdlr/ui/widgets"
)

// openUpload shows the library upload form (not in read-only mode).
func (m *Model) openUpload() tea.Cmd {
	if m.c.ReadOnly {
		m.setNote("read-only mode: uploading to the library is disabled", true)
		return nil
	}
	m.upload = newUploadForm()
	for i := range m.upload.fields {
		m.upload.fields[i].SetWidth(max(10, m.width-30))
	}
	m.mode = modeUpload
	return nil
}

// uploadKey drives the upload form: tab moves, space toggles, enter uploads.
func (m *Model) uploadKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	f := &m.upload
	switch {
	case key.Matches(msg, k.Global.Back):
		m.mode = modeBrowse
	case key.Matches(msg, k.Nav.NextPane):
		f.setFocus(f.focus + 1)
	case key.Matches(msg, k.Nav.PrevPane):
		f.setFocus(f.focus - 1)
	case f.focus == upOverride && key.Matches(msg, k.Compose.Toggle):
		f.override = !f.override
	case key.Matches(msg, k.Nav.Select):
		return m.submitUpload()
	case f.focus < len(f.fields):
		if f.fields[f.focus].Update(msg) {
			f.err = ""
			if f.focus == upPath {
				return m.checkUploadPath()
			}
		}
	}
	return nil
}

// checkUploadPath starts the live check of the local file.
func (m *Model) checkUploadPath() tea.Cmd {
	m.upload.statGen++
	m.upload.check, m.upload.checkOK = "", false
	path, _ := m.upload.request()
	return statCmd(path, m.upload.statGen)
}

func (m *Model) submitUpload() tea.Cmd {
	f := &m.upload
	if f.busy {
		return nil
	}
	path, req := f.request()
	if path == "" {
		f.err = "enter the path of a local file"
		f.setFocus(upPath)
		return nil
	}
	f.busy, f.err = true, ""
	return uploadCmd(m.c.Ctx, m.librarian(), path, req)
}

func (m *Model) uploaded(msg uploadedMsg) tea.Cmd {
	m.upload.busy = false
	if msg.err != nil {
		m.upload.err = "upload failed: " + inert.Text(msg.err.Error())
		return nil
	}
	m.mode = modeBrowse
	m.setNote("uploaded "+inert.Text(msg.file.FileName)+" to the library", false)
	return m.reloadLibrary()
}

// askDelete asks y/N (default No) before deleting the selected library file.
func (m *Model) askDelete() {
	f, ok := m.selectedFile()
	switch {
	case m.c.ReadOnly:
		m.setNote("read-only mode: deleting from the library is disabled", true)
		return
	case !ok || m.focus != focusLibrary:
		m.setNote("select a library file (tab to the library) to delete it", true)
		return
	}
	m.deleting = f.FileName
	m.confirm.Open(fmt.Sprintf("Delete %s from the tenant's library (for every analyst)?", inert.Text(f.FileName)))
	m.mode = modeDelete
}

func (m *Model) deleteKey(msg tea.KeyPressMsg) tea.Cmd {
	switch m.confirm.Update(msg, m.c.Keys.Confirm) {
	case widgets.Yes:
		m.mode = modeBrowse
		m.setNote("deleting "+inert.Text(m.deleting)+"…", false)
		return deleteCmd(m.c.Ctx, m.librarian(), m.deleting)
	case widgets.No:
		m.mode = modeBrowse
		m.setNote("not deleted", false)
	}
	return nil
}

func (m *Model) deleted(msg deletedMsg) tea.Cmd {
	if msg.err != nil {
		m.setNote("delete failed: "+inert.Text(msg.err.Error()), true)
		return nil
	}
	m.setNote("deleted "+inert.Text(msg.name)+" from the library", false)
	return m.reloadLibrary()
}
