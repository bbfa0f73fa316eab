package progress

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/chrome"
	"mdlr/ui/inert"
	"mdlr/ui/widgets"
)

// spinnerFrames are plain ASCII so that any terminal font can show them.
var spinnerFrames = [...]string{"-", "\\", "|", "/"}

// Column widths of the command table.
const (
	wIndex   = 3
	wType    = 10
	wState   = 12
	wStarted = 9
	wDur     = 8
)

// View implements common.Screen.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	st := m.c.Styles
	switch {
	case m.loadErr != nil:
		return chrome.Fit(st.Error.Render("could not open action "+inert.Text(m.id)+": "+inert.Text(api.Describe(m.loadErr))), m.width, m.height)
	case !m.haveIt:
		return chrome.Fit(st.Subtle.Render("loading action "+inert.Text(m.id)+"…"), m.width, m.height)
	}
	v := &m.view
	now := m.c.Now()
	t := inert.Text
	lbl := func(s string) string { return st.Label.Render(s) + " " }
	id := v.ActionID
	if id == "" {
		id = "(not assigned yet)"
	}
	// Each label and its value stay together; the pairs flow over as many
	// lines as the width needs.
	lines := flow([]string{lbl("Action") + st.Bold.Render(t(id)), lbl("device") + widgets.StyleRuns(inert.Text(v.DeviceName), st.Bold, st.Escaped, true)}, "  ", m.width)
	requestor := m.remote(orDash(v.Requestor))
	if isGUID(v.Requestor) {
		requestor = "app " + v.Requestor[:8]
	}
	lines = append(lines, flow([]string{
		lbl("Status") + m.statusText(), lbl("requested by") + requestor,
		lbl("created") + clock(v.Created), lbl("elapsed") + duration(elapsed(v, now)),
	}, "  ", m.width)...)
	if isGUID(v.Requestor) {
		lines = append(lines, flow([]string{lbl("app id") + v.Requestor,
			st.Subtle.Render("· the requestor is an application, not a person")}, " ", m.width)...)
	}
	if v.Comment != "" {
		lines = append(lines, lbl("Comment")+m.remote(v.Comment))
	}
	if v.Explain != "" {
		for _, l := range widgets.WrapWords(t(v.Explain), max(10, m.width)) {
			lines = append(lines, st.Warning.Render(l))
		}
	}
	lines = append(lines, "")
	lines = append(lines, m.tableLines(now)...)
	lines = append(lines, m.selectedTarget()...)
	body := strings.Join(lines, "\n")
	footer := m.footerLines(now)
	bodyH := max(0, m.height-len(footer))
	return chrome.Fit(chrome.Fit(body, m.width, bodyH)+"\n"+strings.Join(footer, "\n"), m.width, m.height)
}

func (m *Model) statusText() string {
	st := m.c.Styles
	s := inert.Text(m.view.Status)
	switch m.view.Status {
	case api.StatusSucceeded:
		return st.Status.Completed.Render(s)
	case api.StatusFailed, api.StatusTimeOut:
		return st.Status.Failed.Render(s)
	case api.StatusCancelled:
		return st.Status.Cancelled.Render(s)
	case api.StatusPending:
		return st.Status.Queued.Render(s)
	}
	return st.Status.Running.Render(s)
}

func (m *Model) tableLines(now time.Time) []string {
	st := m.c.Styles
	wTarget := m.targetWidth()
	head := "  " + chrome.PadRight("#", wIndex) + chrome.PadRight("TYPE", wType) + chrome.PadRight("TARGET", wTarget) + " " +
		chrome.PadRight("STATE", wState) + " " + chrome.PadRight("STARTED", wStarted) + " " + "DURATION"
	out := []string{st.Header.Render(head)}
	failedBefore, explainedNotRun := false, false
	for i, c := range m.view.Commands {
		marker := "  "
		if i == m.cursor {
			marker = "> "
		}
		target := inert.Text(c.Target)
		if ansi.StringWidth(target) > wTarget {
			target = ansi.Truncate(target, wTarget, "…")
		}
		started, dur := "", ""
		if c.Started != nil {
			started = clock(*c.Started)
			switch {
			case c.Ended != nil:
				dur = duration(c.Ended.Sub(*c.Started))
			case c.State == state.CmdRunning:
				dur = duration(now.Sub(*c.Started))
			}
		}
		var line string
		if i == m.cursor { // reverse video like every other list, readable without colour
			plain := marker + chrome.PadRight(strconv.Itoa(c.Index+1), wIndex) + chrome.PadRight(inert.Text(c.Type), 9) + " " +
				chrome.PadRight(target, wTarget) + " " + ansi.Strip(m.stateCell(c)) + " " + chrome.PadRight(started, wStarted) + " " + dur
			line = widgets.StyleRuns(chrome.PadRight(plain, m.width), st.Selected, st.EscapedSelected, true)
		} else {
			line = marker + chrome.PadRight(strconv.Itoa(c.Index+1), wIndex) + chrome.TypeBadge(st, c.Type) + " " +
				chrome.PadRight(m.remote(target), wTarget) + " " + m.stateCell(c) + " " + chrome.PadRight(started, wStarted) + " " + dur
		}
		out = append(out, line)
		for _, e := range c.Errors {
			out = append(out, m.note(st.Error, inert.Text(e))...)
		}
		if c.State == state.CmdNotRun && !explainedNotRun {
			explainedNotRun = true
			why := "not run: the action ended first"
			if failedBefore {
				why = "not run: an earlier command failed"
			}
			out = append(out, m.note(st.Subtle, why)...)
		}
		if c.State == state.CmdFailed {
			failedBefore = true
		}
		if c.FetchErr != "" {
			out = append(out, m.note(st.Warning, "result not fetched yet: "+inert.Text(c.FetchErr))...)
		}
		if c.File != nil {
			out = append(out, m.note(st.Subtle, "saved "+inert.Text(c.File.Path)+" ("+strconv.FormatInt(c.File.Bytes, 10)+" bytes)")...)
		}
	}
	return out
}

// note renders text under a command row, indented and wrapped to the
// width (an error message or a saved path is never cut).
func (m *Model) note(style lipgloss.Style, text string) []string {
	const indent = "     "
	var out []string
	for _, l := range widgets.WrapWords(text, max(10, m.width-len(indent))) {
		out = append(out, indent+style.Render(l))
	}
	return out
}

// targetWidth is the width of the table's TARGET column.
// It fits the longest target, so that on a wide window the state stays
// next to it instead of at the far edge.
func (m *Model) targetWidth() int {
	room := max(10, m.width-2-wIndex-wType-wState-wStarted-wDur-5)
	longest := 24
	for _, c := range m.view.Commands {
		longest = max(longest, ansi.StringWidth(inert.Text(c.Target)))
	}
	return min(room, longest+1)
}

// selectedTarget spells out the selected command's target, wrapped, when
// the table had to cut it.
func (m *Model) selectedTarget() []string {
	if m.cursor < 0 || m.cursor >= len(m.view.Commands) {
		return nil
	}
	c := m.view.Commands[m.cursor]
	target := inert.Text(c.Target)
	if ansi.StringWidth(target) <= m.targetWidth() {
		return nil
	}
	full := fmt.Sprintf("#%d %s %s", c.Index+1, inert.Text(c.Type), target)
	out := []string{""}
	for _, l := range strings.Split(ansi.Hardwrap(full, max(10, m.width-2), true), "\n") {
		out = append(out, "  "+m.c.Styles.Subtle.Render(l))
	}
	return out
}

func (m *Model) stateCell(c state.CommandView) string {
	st := m.c.Styles
	s := chrome.PadRight(string(c.State), wState)
	switch c.State {
	case state.CmdRunning:
		return st.Status.Running.Render(chrome.PadRight(spinnerFrames[m.frame%len(spinnerFrames)]+" running", wState))
	case state.CmdCompleted:
		return st.Status.Completed.Render(s)
	case state.CmdFailed:
		return st.Status.Failed.Render(s)
	case state.CmdNotRun:
		return st.Status.NotRun.Render(s)
	case state.CmdStopped:
		return st.Status.Cancelled.Render(s)
	}
	return st.Status.Waiting.Render(s)
}

func (m *Model) footerLines(now time.Time) []string {
	st := m.c.Styles
	var out []string
	switch m.phase {
	case cancelComment:
		out = append(out, st.Warning.Render("Cancel action "+inert.Text(m.view.ActionID)+": why? (required, enter to continue, esc to keep it running)"),
			m.comment.View(m.width))
	case cancelConfirm:
		k := m.c.Keys.Confirm
		out = append(out, st.Warning.Render("Cancel action "+inert.Text(m.view.ActionID)+" on "+inert.Text(m.view.DeviceName)+"?")+
			" "+st.Bold.Render(k.Yes.Help().Key)+" cancel it · "+st.Bold.Render(k.No.Help().Key)+" keep it running")
	case cancelSending:
		out = append(out, st.Info.Render("cancelling…"))
	}
	if m.cancelErr != nil {
		out = append(out, st.Error.Render("cancel: "+inert.Text(api.Describe(m.cancelErr))))
	}
	var parts []string
	switch {
	case m.view.Done:
		done := "finished"
		if m.view.OutDir != "" {
			done += " · results in " + inert.Text(m.view.OutDir)
		}
		parts = append(parts, done)
	case !m.nextPoll.IsZero():
		secs := int(m.nextPoll.Sub(now).Round(time.Second) / time.Second)
		if secs > 0 {
			parts = append(parts, "next check in "+strconv.Itoa(secs)+"s")
		} else {
			parts = append(parts, "checking…")
		}
	default:
		parts = append(parts, "waiting for the first check")
	}
	if m.budget != nil {
		parts = append(parts, fmt.Sprintf("API budget %d/min · %d/h left", m.budget.MinuteRemaining, m.budget.HourRemaining))
	}
	for _, l := range flow(parts, " · ", m.width) {
		out = append(out, st.Subtle.Render(l))
	}
	return out
}

// flow joins fields with sep into lines of at most width cells, breaking
// only between fields; a field wider than width alone is cut.
func flow(fields []string, sep string, width int) []string {
	var lines []string
	cur := ""
	for _, f := range fields {
		switch {
		case cur == "":
			cur = f
		case ansi.StringWidth(cur)+ansi.StringWidth(sep)+ansi.StringWidth(f) <= width:
			cur += sep + f
		default:
			lines = append(lines, cur)
			cur = f
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, "…")
		}
	}
	return lines
}

func elapsed(v *state.ActionView, now time.Time) time.Duration {
	if v.Created.IsZero() {
		return 0
	}
	end := now
	if api.IsTerminalStatus(v.Status) && !v.Updated.IsZero() {
		end = v.Updated
	}
	return end.Sub(v.Created)
}

func clock(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("15:04:05")
}

// duration renders d as "4s", "1m 9s" or "2h 3m".
func duration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return fmt.Sprintf("%dm %ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	}
	return fmt.Sprintf("%dh %dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// remote makes text from the device or the API inert, its escapes styled.
func (m *Model) remote(s string) string {
	return widgets.StyleEscapes(inert.Text(s), m.c.Styles.Escaped)
}

// isGUID reports a GUID-shaped requestor: an application's id.
func isGUID(s string) bool { return widgets.LooksLikeGUID(s) }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
