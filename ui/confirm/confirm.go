// Package confirm is the last screen before a submission: it shows exactly
// what will be sent and only an explicit "y" sends it.
package confirm

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/chrome"
	"mdlr/ui/common"
	"mdlr/ui/inert"
	"mdlr/ui/widgets"
)

// Model is the confirmation screen.
type Model struct {
	c             *common.Common
	width, height int
	plan          *state.Plan
	submitting    bool
	err           error
}

// New returns the confirmation screen.
func New(c *common.Common) *Model { return &Model{c: c} }

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Title implements common.Screen.
func (m *Model) Title() string { return "Confirm" }

// Capturing implements common.Screen; the screen takes no text input.
func (m *Model) Capturing() bool { return false }

// Submitting reports whether a submission is in flight.
func (m *Model) Submitting() bool { return m.submitting }

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.NavigateMsg:
		if msg.To == common.ConfirmScreen && msg.Plan != nil {
			p := *msg.Plan
			p.Commands = append([]state.PlanCommand(nil), msg.Plan.Commands...)
			m.plan, m.err, m.submitting = &p, nil, false
		}
	case common.SubmittedMsg:
		if m.submitting {
			m.submitting = false
			m.err = msg.Err
		}
	case tea.KeyPressMsg:
		return m.onKey(msg)
	}
	return nil
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.plan == nil || m.submitting {
		return nil
	}
	k := m.c.Keys.Confirm
	switch {
	case key.Matches(msg, k.Yes):
		if m.c.ReadOnly {
			m.err = errReadOnly
			return nil
		}
		m.submitting, m.err = true, nil
		p := *m.plan
		p.Commands = append([]state.PlanCommand(nil), m.plan.Commands...)
		return func() tea.Msg { return common.SubmitMsg{Plan: p} }
	case key.Matches(msg, k.No):
		return common.Back()
	}
	return nil
}

type readOnlyError struct{}

func (readOnlyError) Error() string {
	return "mdlr runs read-only: submitting is switched off (start it without --read-only)"
}

var errReadOnly error = readOnlyError{}

// describe turns a submission error into plain words naming the device.
func (m *Model) describe(err error) string {
	name := chrome.ShortName(m.plan.Device.Name)
	if api.IsActiveRequestExists(err) {
		return name + " already runs a live response action — wait for it or cancel it (" +
			m.c.Keys.Global.GoActions.Help().Key + " → actions)"
	}
	if _, ok := err.(readOnlyError); ok {
		return err.Error()
	}
	return "could not submit to " + name + ": " + api.Describe(err)
}

// OfflineNote says what happens when the device is not Active, or "";
// queue is the queue window as text (Common.QueueText).
func OfflineNote(health, queue string) string {
	if health == "Active" {
		return ""
	}
	if health == "" {
		health = "in an unknown state"
	}
	return "the device is " + health + ": the action will wait in the queue for up to " + queue + ", then time out"
}

// View implements common.Screen.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	st := m.c.Styles
	if m.plan == nil {
		return chrome.Fit(st.Subtle.Render("nothing to confirm — "+m.c.Keys.Global.Back.Help().Key+" to go back"), m.width, m.height)
	}
	p := m.plan
	t := func(s string) string { return widgets.StyleEscapes(inert.Text(s), st.Escaped) }
	lbl := func(s string) string { return st.Label.Render(chrome.PadRight(s, 9)) }
	lines := []string{
		st.Title.Render("Send this live response action?"),
		"",
		lbl("Device") + widgets.StyleRuns(inert.Text(p.Device.Name), st.Bold, st.Escaped, true),
		lbl("OS") + t(p.Device.OSPlatform) + st.Subtle.Render(" · health ") + t(p.Device.HealthStatus),
		lbl("ID") + t(p.Device.ID),
		"",
		st.Bold.Render("Commands") + st.Subtle.Render(" (run in this order; a failed command stops the rest)"),
	}
	var tail []string
	tail = append(tail, "", lbl("Comment")+t(p.Comment))
	if note := OfflineNote(p.Device.HealthStatus, m.c.QueueText()); note != "" {
		tail = append(tail, "", st.Warning.Render(note))
	}
	tail = append(tail, "")
	switch {
	case m.submitting:
		tail = append(tail, st.Info.Render("submitting…"))
	case m.err != nil:
		k := m.c.Keys.Confirm
		tail = append(tail, st.Error.Render(inert.Text(m.describe(m.err))), "",
			st.Bold.Render(k.Yes.Help().Key)+" try again · "+st.Bold.Render(k.No.Help().Key)+" back (default: no)")
	default:
		k := m.c.Keys.Confirm
		tail = append(tail, st.Subtle.Render("Nothing has been sent yet. ")+
			st.Bold.Render(k.Yes.Help().Key)+" send · "+st.Bold.Render(k.No.Help().Key)+" back (default: no)")
	}
	// The answer line must stay on screen: list as many commands as fit
	// and summarise the rest.
	room := m.height - st.Dialog.GetVerticalFrameSize() - len(lines) - len(tail)
	lines = append(lines, m.commandLines(room)...)
	lines = append(lines, tail...)
	if len(lines) > m.height-st.Dialog.GetVerticalFrameSize() { // very short window: drop the spacing
		lines = slices.DeleteFunc(lines, func(l string) bool { return l == "" })
	}
	boxW := min(m.width, 96)
	inner := boxW - st.Dialog.GetHorizontalFrameSize()
	for i, l := range lines {
		lines[i] = chrome.PadRight(ansi.Truncate(l, inner, "…"), inner)
	}
	box := st.Dialog.Render(strings.Join(lines, "\n"))
	return chrome.Fit(lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, box), m.width, m.height)
}

// commandLines lists the plan's commands in at most room lines (at least
// one): when they do not all fit, the last line says how many more there are.
func (m *Model) commandLines(room int) []string {
	st := m.c.Styles
	cmds := m.plan.Commands
	show := len(cmds)
	if show > max(1, room) {
		show = max(0, room-1)
	}
	out := make([]string, 0, show+1)
	for i, c := range cmds[:show] {
		out = append(out, " "+chrome.PadRight(strconv.Itoa(i+1), 3)+chrome.TypeBadge(st, c.Type)+" "+widgets.StyleEscapes(inert.Text(c.Target()), st.Escaped))
	}
	if rest := len(cmds) - show; rest > 0 {
		out = append(out, st.Subtle.Render(fmt.Sprintf(" … and %d more (all %d run in order; %s to review them)",
			rest, len(cmds), m.c.Keys.Global.Back.Help().Key)))
	}
	return out
}

// ShortHelp implements common.Screen.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.c.Keys.Confirm.Yes, m.c.Keys.Confirm.No}
}

// FullHelp implements common.Screen.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
