// Package ui is the console's root model: it owns the screens and the
// navigation stack, routes keys, draws the header, status and help bars,
// and runs the engine's submit and poll loop on behalf of every screen.
package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/ui/actions"
	"mdlr/ui/audit"
	"mdlr/ui/common"
	"mdlr/ui/compose"
	"mdlr/ui/confirm"
	"mdlr/ui/devices"
	"mdlr/ui/progress"
	"mdlr/ui/results"
	"mdlr/ui/signin"
	"mdlr/ui/styles"
)

// AppName is shown in the header and window title.
const AppName = "mdlr"

// Option customises the root model.
type Option func(*Model)

// WithScreen installs (or replaces) the screen shown for id. The lead
// wires the compose, results and actions screens this way.
func WithScreen(id common.ScreenID, s common.Screen) Option {
	return func(m *Model) { m.screens[id] = s }
}

// WithFrozenAnimations stops spinners and timers that only animate, so
// frames are reproducible in tests and screenshots.
func WithFrozenAnimations() Option {
	return func(m *Model) { m.frozen = true }
}

// WithTicker replaces tea.Tick for the root's timed messages (the poll
// loop and status-message expiry), so a test can drive them from a fake
// clock. tick must return a Cmd that delivers fn's message after d.
func WithTicker(tick func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd) Option {
	return func(m *Model) {
		if tick != nil {
			m.tick = tick
		}
	}
}

// Model is the root Bubble Tea model.
type Model struct {
	c       *common.Common
	screens map[common.ScreenID]common.Screen
	stack   []common.ScreenID
	frozen  bool
	// tick schedules a timed message (tea.Tick; tests replace it).
	tick func(time.Duration, func(time.Time) tea.Msg) tea.Cmd

	width, height int
	showHelp      bool
	askQuit       bool

	status statusLine
	budget *api.Budget

	pollGen    int
	polling    bool
	submitting bool
	running    int // tracked actions not yet finished
	pct        int // share of their commands that finished
	ended      map[string]bool

	// connect signs in on the sign-in screen (nil: c is already connected).
	connect signin.ConnectFunc
	label   signin.Label
	// session is the signed-in session's extras; ready once screens exist.
	session signin.Session
	ready   bool
	notes   []string // reported once the console starts

	identity     string // who the token says we are ("" unknown)
	banner       string // missing permissions ("" none)
	bannerHidden bool

	profiles profilePicker
	switchTo string // the profile to switch to when the program ends
}

// New returns the root model showing the devices screen, with every
// screen built from c (WithScreen replaces one). c.Now, c.Ctx and c.Keys
// must be set; c.Styles defaults to dark. With WithSignIn the console
// starts on the sign-in screen and builds the other screens once the
// session is ready.
func New(c *common.Common, opts ...Option) *Model {
	if c.Styles == nil {
		c.Styles = styles.New(true)
	}
	m := &Model{c: c, screens: map[common.ScreenID]common.Screen{}, stack: []common.ScreenID{common.DevicesScreen},
		ended: map[string]bool{}, tick: tea.Tick}
	for _, o := range opts {
		o(m)
	}
	if m.connect != nil {
		si := signin.New(c, m.connect, m.label)
		if m.frozen {
			si.Freeze()
		}
		m.screens[common.SignInScreen] = si
		m.stack = []common.ScreenID{common.SignInScreen}
		return m
	}
	m.buildScreens()
	return m
}

// screenOrder is the order screens are started in.
var screenOrder = []common.ScreenID{common.DevicesScreen, common.ComposeScreen, common.ConfirmScreen,
	common.ProgressScreen, common.ResultsScreen, common.ActionsScreen, common.AuditScreen}

// buildScreens creates every screen not installed by WithScreen, from the
// now connected c.
func (m *Model) buildScreens() {
	c := m.c
	build := map[common.ScreenID]func() common.Screen{
		common.DevicesScreen:  func() common.Screen { return devices.New(c) },
		common.ConfirmScreen:  func() common.Screen { return confirm.New(c) },
		common.ProgressScreen: func() common.Screen { return progress.New(c) },
		common.ComposeScreen:  func() common.Screen { return compose.New(c) },
		common.ResultsScreen:  func() common.Screen { return results.New(c) },
		common.ActionsScreen:  func() common.Screen { return actions.New(c) },
		common.AuditScreen:    func() common.Screen { return audit.New(c, m.session.StateDir) },
	}
	for _, id := range screenOrder {
		if m.screens[id] == nil {
			m.screens[id] = build[id]()
		}
	}
	if m.frozen {
		if d, ok := m.screens[common.DevicesScreen].(*devices.Model); ok {
			d.FreezeSpinner()
		}
		if p, ok := m.screens[common.ProgressScreen].(*progress.Model); ok {
			p.FreezeSpinner()
		}
	}
	m.ready = true
	m.refreshActions()
}

// Init implements tea.Model: detect the background, then either sign in
// or start every screen (resuming polling for reattached actions).
func (m *Model) Init() tea.Cmd {
	if !m.ready {
		return tea.Batch(tea.RequestBackgroundColor, m.screens[common.SignInScreen].Init())
	}
	return tea.Batch(tea.RequestBackgroundColor, m.startSession())
}

// startSession starts the screens of a ready session, the permission
// check and, for reattached actions, the poll loop.
func (m *Model) startSession() tea.Cmd {
	cmds := []tea.Cmd{m.readBudget(), m.checkIdentity()}
	for _, id := range screenOrder {
		cmds = append(cmds, m.screens[id].Init())
	}
	if m.running > 0 {
		cmds = append(cmds, m.startPolling())
	}
	if len(m.notes) > 0 {
		cmds = append(cmds, m.setStatus(strings.Join(m.notes, "; "), true))
		m.notes = nil
	}
	return tea.Batch(cmds...)
}

// active returns the screen on top of the stack.
func (m *Model) active() common.Screen { return m.screens[m.stack[len(m.stack)-1]] }

// ActiveScreen is the id of the screen shown now.
func (m *Model) ActiveScreen() common.ScreenID { return m.stack[len(m.stack)-1] }

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, nil
	case tea.BackgroundColorMsg:
		m.c.Styles = styles.New(msg.IsDark())
		return m, nil
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	case tea.PasteMsg:
		return m, m.active().Update(msg)
	case common.NavigateMsg:
		return m, m.navigate(msg)
	case common.BackMsg:
		m.back()
		return m, nil
	case common.ErrMsg:
		return m, m.setStatus(describe(msg), true)
	case common.InfoMsg:
		return m, m.setStatus(msg.Text, false)
	case statusExpiredMsg:
		if msg.seq == m.status.seq {
			m.status = statusLine{seq: m.status.seq}
		}
		return m, nil
	case budgetMsg:
		b := msg.budget
		m.budget = &b
		return m, nil
	case common.SubmitMsg:
		return m, m.submit(msg.Plan)
	case common.SubmittedMsg:
		return m, m.onSubmitted(msg)
	case common.PollMsg:
		return m, m.onPoll(msg)
	case polledMsg:
		cmd := m.onPolled(msg.PolledMsg)
		if msg.gen == m.pollGen && m.polling {
			cmd = tea.Batch(cmd, m.rearm(msg.gen, msg.Result.Next))
		}
		return m, cmd
	case common.PolledMsg:
		return m, m.onPolled(msg)
	case common.CancelledMsg:
		return m, m.onCancelled(msg)
	case signin.ReadyMsg:
		return m, m.onReady(msg)
	case identityMsg:
		return m, m.onIdentity(msg)
	case profilesMsg:
		m.onProfiles(msg)
		return m, nil
	}
	return m, m.broadcast(msg)
}

// broadcast gives msg to every screen: background results (pages, ticks,
// loads) reach their owner even while it is hidden.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(m.screens))
	for _, s := range m.screens {
		cmds = append(cmds, s.Update(msg))
	}
	return tea.Batch(cmds...)
}

func (m *Model) resize(w, h int) {
	m.width, m.height = w, h
	m.c.Width, m.c.Height = w, h
	bh := m.bodyHeight()
	for _, s := range m.screens {
		s.SetSize(w, bh)
	}
}

// bodyHeight is the height left for the screen under the header, status
// and help bars.
func (m *Model) bodyHeight() int {
	if m.showBanner() {
		return max(0, m.height-4)
	}
	return max(0, m.height-3)
}

func (m *Model) navigate(msg common.NavigateMsg) tea.Cmd {
	s := m.screens[msg.To]
	if s == nil {
		return nil
	}
	for i, id := range m.stack {
		if id == msg.To {
			m.stack = m.stack[:i]
			break
		}
	}
	m.stack = append(m.stack, msg.To)
	m.showHelp = false
	s.SetSize(m.width, m.bodyHeight())
	return s.Update(msg)
}

func (m *Model) back() {
	if len(m.stack) > 1 {
		m.stack = m.stack[:len(m.stack)-1]
	}
}

// helpBindings are the global bindings shown after a screen's own.
func (m *Model) globalBindings() []key.Binding {
	g := m.c.Keys.Global
	if !m.ready {
		return []key.Binding{g.Profile, g.Help, g.Quit}
	}
	bs := []key.Binding{g.Back, g.GoDevices, g.GoActions, g.GoAudit, g.Profile, g.Help, g.Quit}
	if m.showBanner() {
		bs = append(bs, g.Dismiss)
	}
	return bs
}
