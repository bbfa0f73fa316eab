// Package compose is the Compose screen: the tenant's live response library
// beside the plan (the ordered command list for one device), with inline
// validation, a JSON preview of the request, and library upload and delete.
package compose

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/common"
	"mdlr/ui/widgets"
)

// focus is the pane that gets navigation keys.
type focus int

const (
	focusLibrary focus = iota
	focusPlan
)

// mode says what the keyboard drives.
type mode int

const (
	modeBrowse  mode = iota
	modeFilter       // typing the library filter
	modeEdit         // editing args, a path or the comment
	modePreview      // JSON preview
	modeUpload       // upload form
	modeDelete       // y/N before deleting a library file
)

// editKind is what the inline editor changes.
type editKind int

const (
	editArgs editKind = iota
	editPath
	editComment
)

// editor is the inline editor: a new command being added (index -1) or an
// existing one, or the comment.
type editor struct {
	kind  editKind
	index int               // plan index being edited, -1 when adding
	cmd   state.PlanCommand // the command being added or edited
	field widgets.Field
	// touched: the value was edited or saving was tried; until then an
	// empty field shows a neutral hint rather than an error.
	touched bool
}

// Model is the Compose screen.
type Model struct {
	c             *common.Common
	width, height int

	device  state.Device
	busy    string // the live response action the device already runs, or ""
	plan    state.Plan
	library []api.LibraryFile
	libErr  error
	libGen  int
	loading bool

	filter    widgets.Field
	rows      []libRow
	libCursor int
	planSel   int
	focus     focus
	mode      mode

	edit      editor
	problems  []state.Problem
	attempted bool // review was requested: show plan-level problems too
	preview   viewport.Model
	upload    uploadForm
	confirm   widgets.Confirm
	deleting  string
	note      string
	noteErr   bool
}

// New builds the Compose screen.
func New(c *common.Common) *Model {
	m := &Model{c: c, preview: viewport.New()}
	m.filter.Placeholder = "filter the library"
	return m
}

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return nil }

// Title implements common.Screen.
func (m *Model) Title() string { return "Compose" }

// Capturing implements common.Screen: every mode but browsing takes the keyboard.
func (m *Model) Capturing() bool { return m.mode != modeBrowse }

// Plan returns a copy of the plan being composed.
func (m *Model) Plan() state.Plan {
	p := m.plan
	p.Commands = append([]state.PlanCommand(nil), m.plan.Commands...)
	return p
}

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.preview.SetWidth(max(1, w-2))
	m.preview.SetHeight(max(1, h-4))
	fw := max(10, w-24)
	m.filter.SetWidth(fw)
	m.edit.field.SetWidth(fw)
	for i := range m.upload.fields {
		m.upload.fields[i].SetWidth(max(10, w-30))
	}
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.NavigateMsg:
		if msg.To == common.ComposeScreen {
			return m.open(msg)
		}
	case libraryMsg:
		if msg.gen == m.libGen {
			m.loading = false
			m.libErr = msg.err
			if msg.err == nil {
				m.library = msg.files
			}
			m.refilter()
			m.revalidate()
		}
	case statMsg:
		if msg.gen == m.upload.statGen {
			m.upload.check, m.upload.checkOK = msg.text, msg.ok
		}
	case uploadedMsg:
		return m.uploaded(msg)
	case deletedMsg:
		return m.deleted(msg)
	case common.SubmittedMsg:
		if msg.Err == nil && msg.Plan.Device.ID == m.device.ID {
			m.plan = state.Plan{Device: m.device} // sent: start the next plan afresh
			m.planSel, m.attempted = 0, false
			m.revalidate()
		}
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.PasteMsg:
		return m.handlePaste(msg)
	}
	return nil
}

// open (re)initialises the screen for a device, or an existing plan to edit again.
func (m *Model) open(msg common.NavigateMsg) tea.Cmd {
	switch {
	case msg.Plan != nil:
		m.plan = *msg.Plan
		m.plan.Commands = append([]state.PlanCommand(nil), msg.Plan.Commands...)
		m.device = m.plan.Device
	case msg.Device != nil && msg.Device.ID == m.device.ID && m.device.ID != "":
		// the same device again: keep the plan being composed
	case msg.Device != nil:
		m.device = *msg.Device
		m.plan = state.Plan{Device: m.device}
	}
	if msg.Device != nil {
		m.device = *msg.Device
		m.plan.Device = m.device
	}
	m.busy = msg.BusyActionID
	m.mode, m.focus, m.attempted = modeBrowse, focusLibrary, false
	m.planSel = 0
	m.note, m.noteErr = "", false
	m.revalidate()
	return m.reloadLibrary()
}

func (m *Model) reloadLibrary() tea.Cmd {
	m.libGen++
	m.loading = true
	return loadLibraryCmd(m.c.Ctx, m.c.API, m.libGen)
}

// refilter recomputes the visible library rows for the filter.
func (m *Model) refilter() {
	m.rows = filterLibrary(m.library, m.filter.Value())
	m.libCursor = max(0, min(m.libCursor, len(m.rows)-1))
}

// revalidate recomputes the plan's problems (library nil until loaded).
func (m *Model) revalidate() {
	var lib []api.LibraryFile
	if m.library != nil {
		lib = m.library
	}
	m.problems = m.plan.Validate(lib)
}

// selectedFile is the library file under the cursor.
func (m *Model) selectedFile() (api.LibraryFile, bool) {
	if m.libCursor < 0 || m.libCursor >= len(m.rows) {
		return api.LibraryFile{}, false
	}
	return m.library[m.rows[m.libCursor].index], true
}

func (m *Model) setNote(s string, isErr bool) { m.note, m.noteErr = s, isErr }

// ShortHelp implements common.Screen.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch m.mode {
	case modeFilter:
		return []key.Binding{relabel(k.Nav.Select, "keep filter"), relabel(k.Global.Back, "clear filter")}
	case modeEdit:
		return []key.Binding{relabel(k.Nav.Select, "save"), relabel(k.Global.Back, "cancel")}
	case modePreview:
		return []key.Binding{k.Compose.Preview, k.Nav.Down, k.Nav.Up, k.Global.Back}
	case modeUpload:
		return []key.Binding{k.Nav.NextPane, k.Compose.Toggle, k.Nav.Select, k.Global.Back}
	case modeDelete:
		return []key.Binding{k.Confirm.Yes, k.Confirm.No}
	}
	c := k.Compose
	// The help bar follows the focused pane, most used first: it drops
	// bindings from the end when the window is narrow.
	if m.focus == focusPlan {
		move := key.NewBinding(key.WithKeys(append(c.MoveUp.Keys(), c.MoveDown.Keys()...)...),
			key.WithHelp(c.MoveUp.Help().Key+"/"+c.MoveDown.Help().Key, "move"))
		return m.writable([]key.Binding{relabel(c.EditItem, "edit"), relabel(c.Remove, "remove"), move,
			relabel(c.Comment, "comment"), relabel(c.Submit, "review"), relabel(c.Preview, "preview"),
			relabel(k.Nav.NextPane, "library")})
	}
	return m.writable([]key.Binding{relabel(c.AddRunScript, "RunScript"), relabel(c.AddGetFile, "GetFile"),
		relabel(c.Comment, "comment"), relabel(c.Submit, "review"), relabel(k.Nav.NextPane, "plan"),
		relabel(c.Filter, "filter"), relabel(c.AddPutFile, "PutFile"), relabel(c.Preview, "preview")})
}

// relabel is b with a shorter description for the one-line help bar.
func relabel(b key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, desc))
}

// writable drops the bindings that read-only mode disables from a help list.
func (m *Model) writable(bs []key.Binding) []key.Binding {
	if !m.c.ReadOnly {
		return bs
	}
	k := m.c.Keys.Compose
	out := bs[:0:0]
	for _, b := range bs {
		if !sameKeys(b, k.Submit) && !sameKeys(b, k.Upload) && !sameKeys(b, k.DeleteFile) {
			out = append(out, b)
		}
	}
	return out
}

func sameKeys(a, b key.Binding) bool {
	ak, bk := a.Keys(), b.Keys()
	if len(ak) != len(bk) {
		return false
	}
	for i := range ak {
		if ak[i] != bk[i] {
			return false
		}
	}
	return true
}

// FullHelp implements common.Screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{
		m.writable([]key.Binding{k.Compose.Filter, k.Compose.AddRunScript, k.Compose.AddPutFile, k.Compose.AddGetFile, k.Compose.Upload, k.Compose.DeleteFile}),
		{k.Compose.EditItem, k.Compose.Remove, k.Compose.MoveUp, k.Compose.MoveDown, k.Compose.Comment},
		m.writable([]key.Binding{k.Compose.Preview, k.Compose.Submit, k.Nav.NextPane, k.Nav.Up, k.Nav.Down, k.Global.Back}),
	}
}
