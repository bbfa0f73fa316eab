package results

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/common"
	"mdlr/ui/inert"
	"mdlr/ui/widgets"
)

// View implements common.Screen.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	if m.actionID == "" {
		return widgets.Fit([]string{m.c.Styles.Subtle.Render("No result selected: open one from the Progress or Actions screen.")}, m.width, m.height)
	}
	if m.err != nil {
		return widgets.Fit([]string{m.headingBlock(), "", m.c.Styles.Error.Render(m.err.Error())}, m.width, m.height)
	}
	if m.loading && m.cmd.Type == "" {
		return widgets.Fit([]string{m.headingBlock(), "", m.c.Styles.Subtle.Render("loading…")}, m.width, m.height)
	}
	switch m.cmd.Type {
	case api.CommandRunScript:
		if m.result == nil {
			return widgets.Fit(m.notFetchedLines(), m.width, m.height)
		}
		return m.scriptView()
	case api.CommandGetFile:
		return widgets.Fit(m.fileLines(), m.width, m.height)
	}
	return widgets.Fit([]string{m.headingBlock(), "", m.c.Styles.Subtle.Render(
		fmt.Sprintf("%s has no output to show.", inert.Text(m.cmd.Type)))}, m.width, m.height)
}

// headingLines are the heading wrapped to the width.
func (m *Model) headingLines() []string {
	if m.width <= 0 {
		return []string{m.heading()}
	}
	return strings.Split(ansi.Wrap(m.heading(), m.width, ""), "\n")
}

// headingBlock is the wrapped heading as one string (widgets.Fit splits it).
func (m *Model) headingBlock() string { return strings.Join(m.headingLines(), "\n") }

// heading names the command, action and device.
func (m *Model) heading() string {
	st := m.c.Styles
	dev := m.action.DeviceName
	if dev == "" {
		dev = m.action.DeviceID
	}
	s := st.Title.Render(fmt.Sprintf("#%d %s", m.index+1, inert.Text(m.cmd.Type))) + " " +
		m.remote(m.cmd.Target)
	if dev != "" {
		s += st.Subtle.Render("  on " + inert.Text(dev))
	}
	return s + st.Subtle.Render("  action "+inert.Text(widgets.Short(m.actionID, 8)))
}

func (m *Model) notFetchedLines() []string {
	st := m.c.Styles
	lines := []string{m.headingBlock(), ""}
	switch m.cmd.State {
	case state.CmdFailed:
		lines = append(lines, st.Error.Render("The command failed on the device; no output was returned."))
	case state.CmdNotRun:
		lines = append(lines, st.Subtle.Render("This command did not run (an earlier command failed, or the action ended first)."))
	case state.CmdStopped:
		lines = append(lines, st.Warning.Render("The action was cancelled or timed out while this command ran; no output was returned."))
	default:
		lines = append(lines, st.Warning.Render("result not fetched yet — it is fetched automatically when the command completes"),
			st.Subtle.Render("command state: "+string(m.cmd.State)))
	}
	if m.cmd.FetchErr != "" {
		lines = append(lines, st.Error.Render("last fetch error: "+inert.Text(m.cmd.FetchErr)))
	}
	for _, e := range m.cmd.Errors {
		lines = append(lines, st.Error.Render("error: "+inert.Text(e)))
	}
	return lines
}

func (m *Model) fileLines() []string {
	st := m.c.Styles
	lines := []string{m.headingBlock(), ""}
	label := func(l, v string) string { return st.Label.Render(fmt.Sprintf("%-12s", l)) + v }
	lines = append(lines, label("device path", m.remote(m.cmd.Target)))
	f := m.cmd.File
	if f == nil {
		lines = append(lines, "", st.Warning.Render("file not downloaded yet — it is downloaded automatically when the command completes"),
			st.Subtle.Render("command state: "+string(m.cmd.State)))
		if m.cmd.FetchErr != "" {
			lines = append(lines, st.Error.Render("last download error: "+inert.Text(m.cmd.FetchErr)))
		}
		return lines
	}
	return append(lines,
		label("local path", m.remote(f.Path)),
		label("size", fmt.Sprintf("%s (%d bytes)", widgets.Bytes(f.Bytes), f.Bytes)),
		label("sha256", inert.Text(f.SHA256)),
		"",
		st.Subtle.Render("open the folder: "+inert.Text(filepath.Dir(f.Path))))
}

// scriptView renders the header, the output viewer and the footer.
func (m *Model) scriptView() string {
	st := m.c.Styles
	r := m.result
	exit := st.Success.Render(fmt.Sprintf("exit code %d", r.ExitCode))
	if r.ExitCode != 0 {
		exit = st.Error.Render(fmt.Sprintf("exit code %d", r.ExitCode))
	}
	tabs := make([]string, 2)
	for i := range tabs {
		c := m.pagers[i].Content()
		t := fmt.Sprintf(" %s (%s, %s) ", streamName(i), widgets.Count(len(c.Lines), "line"), widgets.Bytes(int64(c.Bytes)))
		if i == m.stream {
			tabs[i] = st.Selected.Render(t)
		} else {
			tabs[i] = st.Subtle.Render(t)
		}
	}
	p := &m.pagers[m.stream]
	pos := fmt.Sprintf("line %d/%d", min(p.YOffset()+1, p.LineCount()), p.LineCount())
	head := m.headingLines()
	head = append(head,
		widgets.Line(st.Bold.Render(inert.Text(r.ScriptName))+"  "+exit+"  "+st.Subtle.Render(pos), m.width),
		widgets.Line(strings.Join(tabs, " "), m.width),
	)
	body := p.View()
	if p.LineCount() == 0 {
		body = widgets.Fit([]string{st.Subtle.Render("(" + streamName(m.stream) + " is empty)")}, m.width, m.viewerHeight())
	}
	parts := append(head, body, widgets.Line(m.footer(), m.width))
	return widgets.Fit(parts, m.width, m.height)
}

// footer shows the prompt, the search state or the last note.
func (m *Model) footer() string {
	st := m.c.Styles
	switch m.mode {
	case modeSearch:
		return st.Label.Render("/") + m.inputView()
	case modeSave:
		return st.Label.Render("save to: ") + m.inputView()
	}
	if m.searching {
		return st.Subtle.Render("searching…")
	}
	if m.note != "" {
		if m.noteErr {
			return st.Error.Render(m.note)
		}
		return st.Info.Render(m.note)
	}
	res, cur := m.pagers[m.stream].Search()
	if res.Query == "" {
		return ""
	}
	if len(res.Matches) == 0 {
		return st.Warning.Render(fmt.Sprintf("no matches for %q", inert.Text(res.Query)))
	}
	more := ""
	if res.Truncated {
		more = "+"
	}
	return st.Info.Render(fmt.Sprintf("match %d/%d%s for %q", cur+1, len(res.Matches), more, inert.Text(res.Query)))
}

func (m *Model) inputView() string {
	st := m.c.Styles
	return m.input.View(st.Input, st.Subtle, st.Selected)
}

var _ common.Screen = (*Model)(nil)

// remote makes text from the device or the API inert, its escapes styled.
func (m *Model) remote(s string) string {
	return widgets.StyleEscapes(inert.Text(s), m.c.Styles.Escaped)
}
