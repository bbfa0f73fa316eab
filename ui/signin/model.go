package signin

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/ui/common"
	"mdlr/ui/inert"
)

// tickInterval animates the spinner and the countdown.
const tickInterval = 250 * time.Millisecond

// maxNotices bounds the sign-in notices kept on screen.
const maxNotices = 4

type phase int

const (
	phaseIdle       phase = iota
	phaseConnecting       // signing in, no code yet
	phaseWaiting          // device code shown, waiting for approval
	phaseFailed           // an error (or a cancel) with r to retry
	phaseDone             // the session is ready
)

// tickMsg advances the spinner of one attempt.
type tickMsg struct{ gen int }

// Model is the sign-in screen.
type Model struct {
	c       *common.Common
	connect ConnectFunc
	label   Label
	w, h    int

	gen       int
	phase     phase
	cancel    context.CancelFunc
	prompt    *api.DevicePrompt
	notices   []string
	err       string // described failure, inert
	cancelled bool
	frame     int
	frozen    bool
}

// New returns the sign-in screen; Init starts the first attempt.
func New(c *common.Common, connect ConnectFunc, label Label) *Model {
	return &Model{c: c, connect: connect, label: label}
}

// Freeze stops the spinner from ticking, for reproducible frames.
func (m *Model) Freeze() { m.frozen = true }

// Init starts signing in.
func (m *Model) Init() tea.Cmd { return m.start() }

// start begins a new attempt (the previous one, if any, is abandoned).
func (m *Model) start() tea.Cmd {
	m.Cancel()
	m.gen++
	ctx, cancel := context.WithCancel(m.c.Ctx)
	m.cancel = cancel
	m.phase, m.prompt, m.notices, m.err, m.cancelled, m.frame = phaseConnecting, nil, nil, "", false, 0
	ch := make(chan eventMsg, 8)
	return tea.Batch(connectCmd(ctx, m.connect, m.gen, ch), listen(ch), m.tick())
}

// Cancel abandons the attempt in progress (no-op when none).
func (m *Model) Cancel() {
	if m.cancel != nil && m.phase != phaseDone {
		m.cancel()
	}
}

func (m *Model) tick() tea.Cmd {
	if m.frozen {
		return nil
	}
	gen := m.gen
	return tea.Tick(tickInterval, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

// Busy reports whether a sign-in is in progress.
func (m *Model) Busy() bool { return m.phase == phaseConnecting || m.phase == phaseWaiting }

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case eventMsg:
		if msg.gen != m.gen {
			return nil // a stale attempt: its channel closes when it returns
		}
		if msg.prompt != nil && m.Busy() {
			p := *msg.prompt
			m.prompt, m.phase = &p, phaseWaiting
		}
		if msg.notice != "" {
			m.notices = append(m.notices, inert.Text(msg.notice))
			if len(m.notices) > maxNotices {
				m.notices = m.notices[len(m.notices)-maxNotices:]
			}
		}
		return listen(msg.ch)
	case doneMsg:
		return m.done(msg)
	case tickMsg:
		if msg.gen != m.gen || !m.Busy() {
			return nil
		}
		m.frame++
		return m.tick()
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return nil
}

func (m *Model) done(msg doneMsg) tea.Cmd {
	if msg.gen != m.gen || !m.Busy() {
		if msg.err == nil {
			return closeCmd(msg.session) // finished after it was abandoned
		}
		return nil
	}
	if msg.err != nil {
		m.phase = phaseFailed
		if !m.cancelled {
			m.err = inert.Text(api.Describe(msg.err))
		}
		return nil
	}
	m.phase = phaseDone
	s := msg.session
	return func() tea.Msg { return ReadyMsg{Session: s} }
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys.SignIn
	switch {
	case m.Busy() && key.Matches(msg, k.Cancel):
		m.cancelled = true
		m.Cancel()
		m.phase = phaseFailed
	case m.phase == phaseFailed && key.Matches(msg, k.Retry):
		return m.start()
	}
	return nil
}

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// Title implements common.Screen.
func (m *Model) Title() string { return "Sign in" }

// Capturing implements common.Screen: never (q quits, P switches profile).
func (m *Model) Capturing() bool { return false }

// ShortHelp implements common.Screen.
func (m *Model) ShortHelp() []key.Binding {
	switch {
	case m.Busy():
		return []key.Binding{m.c.Keys.SignIn.Cancel, m.c.Keys.Global.Profile}
	case m.phase == phaseFailed:
		return []key.Binding{m.c.Keys.SignIn.Retry, m.c.Keys.Global.Profile}
	}
	return nil
}

// FullHelp implements common.Screen.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.c.Keys.SignIn.Cancel, m.c.Keys.SignIn.Retry, m.c.Keys.Global.Profile}}
}
