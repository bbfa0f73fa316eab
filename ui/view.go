package ui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"mdlr/api"
	"mdlr/ui/chrome"
	"mdlr/ui/common"
	"mdlr/ui/inert"
)

// How long status messages stay.
const (
	errorTTL = 15 * time.Second
	infoTTL  = 8 * time.Second
)

// statusLine is the message part of the status bar.
type statusLine struct {
	text  string
	isErr bool
	seq   int
}

// statusExpiredMsg clears the status message it was armed for.
type statusExpiredMsg struct{ seq int }

func (m *Model) setStatus(text string, isErr bool) tea.Cmd {
	seq := m.status.seq + 1
	m.status = statusLine{text: inert.Text(text), isErr: isErr, seq: seq}
	ttl := infoTTL
	if isErr {
		ttl = errorTTL
	}
	return m.tick(ttl, func(time.Time) tea.Msg { return statusExpiredMsg{seq: seq} })
}

// describe turns an ErrMsg into plain words with what to do.
func describe(e common.ErrMsg) string {
	d := api.Describe(e.Err)
	if e.Op == "" {
		return d
	}
	return e.Op + ": " + d
}

// deviceNamer is implemented by screens that show one device.
type deviceNamer interface{ Device() string }

// View implements tea.Model.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	title := AppName + " — " + m.active().Title()
	if d, ok := m.active().(deviceNamer); ok && d.Device() != "" {
		title += " — " + inert.Text(d.Device())
	}
	v.WindowTitle = title
	if m.running > 0 {
		if m.pct == 0 {
			v.ProgressBar = tea.NewProgressBar(tea.ProgressBarIndeterminate, 0)
		} else {
			v.ProgressBar = tea.NewProgressBar(tea.ProgressBarDefault, m.pct)
		}
	}
	return v
}

// render draws the whole window: header, screen (or overlay), status, help.
func (m *Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	body := m.active().View()
	switch {
	case m.askQuit:
		body = m.overlay(m.c.Styles.Warning.Render(m.quitQuestion()))
	case m.profiles.open:
		body = m.overlay(m.profileView())
	case m.showHelp:
		body = m.overlay(m.fullHelp())
	}
	head := m.header()
	if m.showBanner() {
		head += "\n" + m.c.Styles.Banner.Render(ansi.Truncate("! "+m.banner, m.width, "…"))
	}
	return chrome.Fit(head+"\n"+chrome.Fit(body, m.width, m.bodyHeight())+"\n"+m.statusBar()+"\n"+m.helpBar(), m.width, m.height)
}

func (m *Model) overlay(content string) string {
	st := m.c.Styles
	inner := m.overlayInner()
	lines := strings.Split(content, "\n")
	for i, l := range lines {
		lines[i] = ansi.Wrap(l, inner, " ")
	}
	box := st.Dialog.Render(strings.Join(lines, "\n"))
	return lipgloss.Place(m.width, m.bodyHeight(), lipgloss.Center, lipgloss.Center, box)
}

// overlayInner is the text width inside an overlay box.
func (m *Model) overlayInner() int {
	return max(10, min(m.width-4, 90)-m.c.Styles.Dialog.GetHorizontalFrameSize())
}

func (m *Model) header() string {
	st := m.c.Styles
	left := st.Title.Render(AppName) + st.Subtle.Render(" › ") + st.Bold.Render(m.active().Title())
	var badges []string
	if m.c.Demo {
		badges = append(badges, st.Badge.Demo.Render("DEMO"))
	} else if m.c.Tenant != "" {
		badges = append(badges, st.Badge.Tenant.Render(inert.Text(m.c.Tenant)))
	}
	if m.c.ReadOnly {
		badges = append(badges, st.Badge.ReadOnly.Render("READ-ONLY"))
	}
	right := strings.Join(badges, " ")
	if m.identity != "" { // the identity goes first when room is short
		withWho := st.Subtle.Render(m.identity) + " " + right
		if m.width-ansi.StringWidth(left)-ansi.StringWidth(withWho) >= 1 {
			right = withWho
		}
	}
	gap := m.width - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 1 {
		return left
	}
	return left + strings.Repeat(" ", gap) + right
}

func (m *Model) statusBar() string {
	sb := m.c.Styles.StatusBar
	left := " "
	if m.c.Demo {
		left += "DEMO"
		if m.status.text == "" {
			left += " (simulated tenant)"
		}
	} else if m.c.Tenant != "" {
		left += inert.Text(m.c.Tenant)
	}
	var right []string
	switch {
	case m.submitting:
		right = append(right, "submitting…")
	case m.running == 1:
		right = append(right, "1 action running")
	case m.running > 1:
		right = append(right, itoa(m.running)+" actions running")
	}
	if m.budget != nil && m.status.text == "" { // a message takes the budget's room until it expires
		right = append(right, "API "+itoa(m.budget.MinuteRemaining)+" min · "+itoa(m.budget.HourRemaining)+" h left")
	}
	r := strings.Join(right, " │ ") + " "
	line := sb.Text.Render(left)
	if m.status.text != "" {
		room := m.width - ansi.StringWidth(left) - ansi.StringWidth(r) - 4 // " │ " and a gap
		msg := ansi.Truncate(m.status.text, max(0, room), "…")
		line += sb.Text.Render(" │ ")
		if m.status.isErr {
			line += sb.Error.Render(msg)
		} else {
			line += sb.Text.Render(msg)
		}
	}
	gap := m.width - ansi.StringWidth(line) - ansi.StringWidth(r)
	if gap < 1 {
		return ansi.Truncate(line, m.width, "…")
	}
	return line + sb.Bar.Render(strings.Repeat(" ", gap)) + sb.Text.Render(r)
}

// helpBar shows the screen's short help, dropping bindings from the end
// until it fits, and always ends with help and quit.
func (m *Model) helpBar() string {
	bs := m.active().ShortHelp()
	var tail []key.Binding
	if m.askQuit {
		bs = []key.Binding{m.c.Keys.Confirm.Yes, m.c.Keys.Confirm.No}
	} else if !m.active().Capturing() {
		tail = []key.Binding{m.c.Keys.Global.Help, m.c.Keys.Global.Quit}
		if m.showBanner() {
			tail = append([]key.Binding{m.c.Keys.Global.Dismiss}, tail...)
		}
	}
	for n := len(bs); n >= 0; n-- {
		line := m.renderBindings(append(append([]key.Binding(nil), bs[:n]...), tail...), " · ")
		if ansi.StringWidth(line) <= m.width {
			return line
		}
	}
	return ansi.Truncate(m.renderBindings(tail, " · "), m.width, "…")
}

func (m *Model) renderBindings(bs []key.Binding, sep string) string {
	return strings.Join(m.bindingTexts(bs), m.c.Styles.Help.Sep.Render(sep))
}

func (m *Model) bindingTexts(bs []key.Binding) []string {
	h := m.c.Styles.Help
	parts := make([]string, 0, len(bs))
	for _, b := range bs {
		if !b.Enabled() || b.Help().Key == "" {
			continue
		}
		parts = append(parts, h.Key.Render(b.Help().Key)+" "+h.Desc.Render(b.Help().Desc))
	}
	return parts
}

// wrapBindings lays bindings out in lines of at most width columns,
// breaking only between bindings.
func (m *Model) wrapBindings(bs []key.Binding, width int) []string {
	var lines []string
	cur := ""
	for _, p := range m.bindingTexts(bs) {
		switch {
		case cur == "":
			cur = p
		case ansi.StringWidth(cur)+3+ansi.StringWidth(p) <= width:
			cur += "   " + p
		default:
			lines = append(lines, cur)
			cur = p
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// fullHelp lists every binding of the screen and the global ones.
func (m *Model) fullHelp() string {
	st := m.c.Styles
	lines := []string{st.Title.Render(m.active().Title() + " keys"), ""}
	w := m.overlayInner()
	for _, group := range m.active().FullHelp() {
		lines = append(lines, m.wrapBindings(group, w)...)
	}
	lines = append(lines, "", st.Title.Render("Everywhere"), "")
	lines = append(lines, m.wrapBindings(m.globalBindings(), w)...)
	lines = append(lines, "", st.Subtle.Render(m.c.Keys.Global.Help.Help().Key+" or "+m.c.Keys.Global.Back.Help().Key+" to close"))
	return strings.Join(lines, "\n")
}

func itoa(n int) string { return strconv.Itoa(n) }
