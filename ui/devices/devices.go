// Package devices is the fleet screen: a streamed, filterable, sortable
// table of devices from which the analyst picks the target of a plan.
package devices

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"mdlr/ui/chrome"
	"mdlr/ui/common"
	"mdlr/ui/fuzzyindex"
	"mdlr/ui/inert"
)

// spinInterval is the loading spinner's frame time (4 frames/s at most).
const spinInterval = 250 * time.Millisecond

// Model is the devices screen.
type Model struct {
	c             *common.Common
	width, height int

	fleet   // rows, symbols and raw identities
	idx     *fuzzyindex.Index
	busy    map[string]string // from the API: machine id → action id
	tracked map[string]string // from the engine: machine id → action id

	gen     int // load generation; stale pages are ignored
	loading bool
	loadErr error
	frame   int  // spinner frame
	frozen  bool // spinner does not tick (golden frames)

	order        []int32 // every row in sort order
	sortCol      column
	sortDesc     bool
	osFacet      int
	health       healthFacet
	hideInactive bool

	input     chrome.LineInput
	filtering bool
	query     string
	matches   []fuzzyindex.Match
	visible   []int32

	cursor, offset int
	details        bool
	dialog         string // machine id of a busy device awaiting y/N, or ""
}

// New returns the devices screen.
func New(c *common.Common) *Model {
	in := chrome.LineInput{Prompt: "/", Placeholder: "name, id, IP, tag or group"}
	return &Model{c: c, fleet: newFleet(), idx: fuzzyindex.New(nil), input: in, busy: map[string]string{}, tracked: map[string]string{}}
}

// Init starts streaming the fleet.
func (m *Model) Init() tea.Cmd { return m.reload() }

func (m *Model) reload() tea.Cmd {
	m.gen++
	m.fleet, m.order = newFleet(), nil
	m.idx = fuzzyindex.New(nil)
	m.matches = nil
	m.loading, m.loadErr = true, nil
	m.recompute()
	if m.c.Engine != nil {
		m.tracked = trackedBusy(m.c.Engine.Actions())
	}
	return tea.Batch(
		loadPageCmd(m.c.Ctx, m.c.API, m.gen, 0, firstPageSize),
		loadBusyCmd(m.c.Ctx, m.c.API, m.gen),
		m.spin(),
	)
}

// FreezeSpinner stops the loading spinner from ticking, for reproducible frames.
func (m *Model) FreezeSpinner() { m.frozen = true }

func (m *Model) spin() tea.Cmd {
	if m.frozen {
		return nil
	}
	gen := m.gen
	return tea.Tick(spinInterval, func(time.Time) tea.Msg { return spinMsg{gen: gen} })
}

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.clampCursor()
}

// Title implements common.Screen.
func (m *Model) Title() string { return "Devices" }

// Capturing implements common.Screen: true while the filter is being typed
// or a y/N question is open.
func (m *Model) Capturing() bool { return m.filtering || m.dialog != "" }

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case pageMsg:
		return m.onPage(msg)
	case busyMsg:
		if msg.gen == m.gen && msg.err == nil {
			m.busy = msg.busy
		}
		return nil
	case spinMsg:
		if msg.gen != m.gen || !m.loading {
			return nil
		}
		m.frame++
		return m.spin()
	case common.PolledMsg:
		if m.c.Engine != nil {
			m.tracked = trackedBusy(m.c.Engine.Actions())
		}
		return nil
	case common.SubmittedMsg:
		if msg.Err == nil && msg.View.ActionID != "" {
			m.tracked[msg.View.DeviceID] = msg.View.ActionID
		}
		return nil
	case tea.KeyPressMsg:
		return m.onKey(msg)
	}
	if m.filtering {
		if _, ok := msg.(tea.PasteMsg); ok {
			return m.applyInput(msg)
		}
	}
	return nil
}

func (m *Model) onPage(msg pageMsg) tea.Cmd {
	if msg.gen != m.gen {
		return nil
	}
	if msg.err != nil {
		m.loading, m.loadErr = false, msg.err
		if len(m.rows) > 0 {
			return common.ReportError("listing devices", msg.err)
		}
		return nil
	}
	from, got := len(m.rows), len(msg.machines)
	m.idx.Append(m.appendPage(msg.machines))
	msg.machines = nil // the page is garbage from here on
	m.order = mergeOrder(m.order, m.rows, m.syms, from, m.sortCol, m.sortDesc)
	if m.query != "" {
		m.matches = m.idx.Search(m.query)
	}
	m.recompute()
	if got == msg.top && msg.top > 0 {
		return loadPageCmd(m.c.Ctx, m.c.API, m.gen, msg.skip+got, nextPageSize)
	}
	m.loading = false
	return nil
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	if m.dialog != "" {
		return m.onDialogKey(msg)
	}
	if m.filtering {
		return m.onFilterKey(msg)
	}
	switch {
	case key.Matches(msg, k.Nav.Up):
		m.move(-1)
	case key.Matches(msg, k.Nav.Down):
		m.move(1)
	case key.Matches(msg, k.Nav.PageUp):
		m.move(-max(1, m.tableRows()))
	case key.Matches(msg, k.Nav.PageDown):
		m.move(max(1, m.tableRows()))
	case key.Matches(msg, k.Nav.Home):
		m.move(-len(m.visible))
	case key.Matches(msg, k.Nav.End):
		m.move(len(m.visible))
	case key.Matches(msg, k.Nav.Select):
		return m.choose()
	case key.Matches(msg, k.Devices.Filter):
		m.filtering = true
		m.input.SetValue(m.query)
		m.input.Focus()
	case key.Matches(msg, k.Global.Back):
		if m.query != "" {
			m.query = ""
			m.input.SetValue("")
			m.search()
		}
	case key.Matches(msg, k.Devices.SortNext):
		m.sortCol = (m.sortCol + 1) % numSortColumns
		m.resort()
	case key.Matches(msg, k.Devices.SortReverse):
		m.sortDesc = !m.sortDesc
		m.resort()
	case key.Matches(msg, k.Devices.FacetOS):
		m.osFacet = (m.osFacet + 1) % numOSFacets
		m.recompute()
	case key.Matches(msg, k.Devices.FacetHealth):
		m.health = (m.health + 1) % numHealthFacets
		m.recompute()
	case key.Matches(msg, k.Devices.HideInact):
		m.hideInactive = !m.hideInactive
		m.recompute()
	case key.Matches(msg, k.Devices.Details):
		m.details = !m.details
		m.clampCursor()
	case key.Matches(msg, k.Devices.Refresh):
		return m.reload()
	}
	return nil
}

func (m *Model) onFilterKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Nav.Select):
		m.filtering = false
		m.input.Blur()
		return nil
	case key.Matches(msg, k.Global.Back):
		m.filtering = false
		m.input.Blur()
		m.input.SetValue("")
		m.query = ""
		m.search()
		return nil
	}
	return m.applyInput(msg)
}

// applyInput feeds a key or paste to the filter input and re-filters when
// the text changed.
func (m *Model) applyInput(msg tea.Msg) tea.Cmd {
	if m.input.Update(msg) {
		m.query = m.input.Value()
		m.cursor, m.offset = 0, 0
		m.search()
	}
	return nil
}

func (m *Model) onDialogKey(msg tea.KeyPressMsg) tea.Cmd {
	id := m.dialog
	switch {
	case key.Matches(msg, m.c.Keys.Confirm.Yes):
		m.dialog = ""
		return common.Navigate(common.NavigateMsg{To: common.ProgressScreen, ActionID: m.busyAction(id)})
	case key.Matches(msg, m.c.Keys.Nav.Select):
		// compose anyway: the plan can wait until the running action ends
		m.dialog = ""
		for i := range m.rows {
			if dev := m.identity(int32(i)); dev.id == id {
				return m.compose(dev)
			}
		}
	case key.Matches(msg, m.c.Keys.Confirm.No):
		m.dialog = ""
	}
	return nil
}

func (m *Model) busyAction(machineID string) string {
	if a := m.tracked[machineID]; a != "" {
		return a
	}
	return m.busy[machineID]
}

func (m *Model) resort() {
	m.order = sortOrder(m.rows, m.syms, m.sortCol, m.sortDesc)
	m.recompute()
}

func (m *Model) move(delta int) {
	m.cursor += delta
	m.clampCursor()
}

// selected returns the row index under the cursor, or -1.
func (m *Model) selected() int32 {
	if m.cursor < 0 || m.cursor >= len(m.visible) {
		return -1
	}
	return m.visible[m.cursor]
}

func (m *Model) choose() tea.Cmd {
	ri := m.selected()
	if ri < 0 {
		return nil
	}
	dev := m.identity(ri)
	if m.busyAction(dev.id) != "" {
		m.dialog = dev.id
		return nil
	}
	return m.compose(dev)
}

// compose opens Compose for the device, saying when the action will queue
// and passing on the action the device already runs.
func (m *Model) compose(id rawIdentity) tea.Cmd {
	dev := device(id)
	nav := common.Navigate(common.NavigateMsg{To: common.ComposeScreen, Device: &dev, BusyActionID: m.busyAction(id.id)})
	if id.health != "Active" {
		note := inert.Text(shortName(id.name)) + " is " + inert.Text(orUnknown(id.health)) +
			": the action will queue for up to " + m.c.QueueText() + " and time out if it does not come online"
		return tea.Batch(nav, common.Info(note))
	}
	return nav
}

// relabel is b with another description for the help bar.
func relabel(b key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, desc))
}

// ShortHelp implements common.Screen.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch {
	case m.dialog != "":
		return []key.Binding{relabel(k.Confirm.Yes, "open its action"), relabel(k.Nav.Select, "compose anyway"), relabel(k.Confirm.No, "cancel")}
	case m.filtering:
		return []key.Binding{relabel(k.Nav.Select, "keep filter, back to the list"), relabel(k.Global.Back, "clear filter")}
	}
	return []key.Binding{k.Nav.Select, k.Devices.Filter, k.Devices.FacetOS, k.Devices.FacetHealth,
		k.Devices.HideInact, k.Devices.SortNext, k.Devices.Details, k.Devices.Refresh}
}

// FullHelp implements common.Screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{
		{k.Nav.Up, k.Nav.Down, k.Nav.PageUp, k.Nav.PageDown, k.Nav.Home, k.Nav.End, k.Nav.Select},
		{k.Devices.Filter, k.Devices.SortNext, k.Devices.SortReverse, k.Devices.Details, k.Devices.Refresh},
		{k.Devices.FacetOS, k.Devices.FacetHealth, k.Devices.HideInact},
	}
}

func shortName(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' && i > 0 {
			return s[:i]
		}
	}
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
