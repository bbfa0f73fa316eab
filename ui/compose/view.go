package compose

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"mdlr/api"
	"mdlr/ui/common"
	"mdlr/ui/inert"
	"mdlr/ui/widgets"
)

var _ common.Screen = (*Model)(nil)

// Pane title markers: the focused pane's title starts with focusMarker.
const (
	focusMarker = "▸ "
	blurMarker  = "  "
)

// bottomLines are the two detail lines, the comment, prompt and problem lines under the panes.
const bottomLines = 5

// View implements common.Screen.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	top := m.headerLines()
	bodyH := max(3, m.height-len(top)-bottomLines)
	var body string
	switch m.mode {
	case modePreview:
		body = m.previewView(bodyH)
	case modeUpload:
		body = m.uploadView(bodyH)
	default:
		leftW := m.libraryWidth()
		body = lipgloss.JoinHorizontal(lipgloss.Top,
			m.pane("Library", m.libraryLines(leftW-2, bodyH-2), leftW, bodyH, m.focus == focusLibrary),
			m.pane("Plan", m.planWindow(m.width-leftW-2, bodyH-3), m.width-leftW, bodyH, m.focus == focusPlan))
	}
	lines := append(top, body)
	lines = append(lines, m.bottom()...)
	return widgets.Fit(lines, m.width, m.height)
}

// planPrefixWidth is the width of "> 1. RunScript " before a command's target.
const planPrefixWidth = 14

// libraryWidth splits the width between the panes: the library gets 55%
// until the plan's commands need more room; then the plan gets what its
// longest line needs when the library can keep libraryMinWidth, and 55%
// of the width otherwise (its lines wrap).
func (m *Model) libraryWidth() int {
	leftW := m.width * 55 / 100
	need := 0
	for i, c := range m.plan.Commands {
		need = max(need, planPrefixWidth+len(fmt.Sprint(i+1))-1+ansi.StringWidth(inert.Text(c.Target()))+2)
	}
	switch {
	case m.width-leftW >= need:
		return leftW
	case m.width-libraryMinWidth >= need:
		return m.width - need
	}
	return min(leftW, max(libraryMinWidth, m.width*45/100))
}

// libraryMinWidth is the narrowest the library pane gets for the plan:
// room for a file name and its kind (the description is also shown under
// the panes).
const libraryMinWidth = 36

// headerLines are the title and, for a device that is not Active, a warning.
func (m *Model) headerLines() []string {
	st := m.c.Styles
	name := m.device.Name
	if name == "" {
		name = m.device.ID
	}
	h := st.Title.Render("Compose") + " for " + widgets.StyleRuns(inert.Text(name), st.Bold, st.Escaped, true)
	if m.device.OSPlatform != "" {
		h += st.Subtle.Render(" (" + inert.Text(m.device.OSPlatform) + ")")
	}
	out := []string{h}
	warn := func(text string) {
		for _, l := range widgets.WrapWords(text, max(10, m.width)) {
			out = append(out, st.Warning.Render(l))
		}
	}
	if m.busy != "" {
		warn(fmt.Sprintf("Busy: the device already runs live response action %s; Defender refuses a new one until it ends (%s → actions).",
			inert.Text(m.busy), m.c.Keys.Global.GoActions.Help().Key))
	}
	if hs := m.device.HealthStatus; hs != "" && !strings.EqualFold(hs, "Active") {
		warn(fmt.Sprintf("Device health is %s: the action will queue until the device connects, and times out if it does not.", inert.Text(hs)))
	}
	return out
}

// pane draws a bordered box of exactly w×h cells with a title line.
func (m *Model) pane(title string, lines []string, w, h int, focused bool) string {
	st := m.c.Styles
	style := st.Pane
	// Focus shows without colour: a marker and a reverse-video title.
	if focused {
		style = st.PaneFocus
		title = st.PaneTitleFocus.Render(focusMarker + title + " ")
	} else {
		title = st.Bold.Render(blurMarker + title)
	}
	inner := widgets.Fit(append([]string{title}, lines...), max(1, w-2), max(1, h-2))
	return style.Render(inner)
}

func (m *Model) libraryLines(w, h int) []string {
	st := m.c.Styles
	var out []string
	if m.mode == modeFilter || m.filter.Value() != "" {
		out = append(out, st.Label.Render("/ ")+m.filter.View(st.Input, st.Subtle, st.Selected))
	}
	switch {
	case m.libErr != nil:
		return append(out, st.Error.Render("could not load the library: "+inert.Text(m.libErr.Error())))
	case m.loading && m.library == nil:
		return append(out, st.Subtle.Render("loading the library…"))
	case len(m.library) == 0:
		return append(out, st.Subtle.Render("The library is empty. Press "+m.c.Keys.Compose.Upload.Help().Key+" to upload a script or tool."))
	case len(m.rows) == 0:
		return append(out, st.Subtle.Render("no library file matches the filter"))
	}
	visible := max(1, h-1-len(out))
	start := max(0, min(m.libCursor-visible/2, len(m.rows)-visible))
	nameW := min(24, max(w/2, w-8)) // a narrow pane keeps the name and kind
	for i := start; i < min(len(m.rows), start+visible); i++ {
		r := m.rows[i]
		f := m.library[r.index]
		kind := fmt.Sprintf("%-6s", kindOf(f.FileName))
		if i == m.libCursor && m.focus == focusLibrary {
			plain := ">" + widgets.Line(inert.Text(f.FileName), nameW) + " " + kind + " " + inert.Text(f.Description)
			out = append(out, widgets.StyleRuns(widgets.Line(plain, w), st.Selected, st.EscapedSelected, true))
			continue
		}
		marker := " "
		if i == m.libCursor {
			marker = ">"
		}
		name := widgets.Line(highlightName(f.FileName, r.matched, st.Match), nameW)
		out = append(out, widgets.Line(marker+name+" "+st.Subtle.Render(kind)+" "+m.remote(f.Description), w))
	}
	return out
}

// planWindow is the part of the plan's lines that fits h rows and shows
// the selected command.
func (m *Model) planWindow(w, h int) []string {
	lines, sel := m.planLines(w)
	if len(lines) <= h || h <= 0 {
		return lines
	}
	start := max(0, min(sel-h/3, len(lines)-h))
	return lines[start : start+h]
}

// planLines renders every command with its problems, and the index of the
// selected command's first line.
func (m *Model) planLines(w int) ([]string, int) {
	st := m.c.Styles
	if len(m.plan.Commands) == 0 {
		k := m.c.Keys.Compose
		hint := fmt.Sprintf("No commands yet. Pick a library file and press %s (RunScript) or %s (PutFile), or press %s for GetFile.",
			k.AddRunScript.Help().Key, k.AddPutFile.Help().Key, k.AddGetFile.Help().Key)
		return []string{st.Subtle.Render(ansi.Wordwrap(hint, w, ""))}, 0
	}
	var out []string
	sel := 0
	for i, c := range m.plan.Commands {
		if i == m.planSel {
			sel = len(out)
		}
		marker := " "
		if i == m.planSel {
			marker = ">"
		}
		// a long target (RunScript args) wraps under itself instead of being cut
		num := fmt.Sprintf("%d. ", i+1)
		indent := planPrefixWidth + len(num) - 3
		parts := widgets.WrapWords(inert.Text(c.Target()), max(8, w-indent))
		for j, part := range parts {
			var line string
			switch {
			case i == m.planSel && m.focus == focusPlan && j == 0:
				line = m.selectedLine(fmt.Sprintf("%s%s%-9s %s", marker, num, inert.Text(c.Type), part), w)
			case i == m.planSel && m.focus == focusPlan:
				line = m.selectedLine(strings.Repeat(" ", indent)+part, w)
			case j == 0:
				line = marker + num + m.badge(c.Type) + " " + m.escapes(part)
			default:
				line = strings.Repeat(" ", indent) + m.escapes(part)
			}
			out = append(out, widgets.Line(line, w))
		}
		for _, p := range m.problems {
			if p.Index != i {
				continue
			}
			wrapped := strings.Split(ansi.Wordwrap(inert.Text(p.Message), max(10, w-6), ""), "\n")
			for j, l := range wrapped {
				prefix := "      "
				if j == 0 {
					prefix = "    └ "
				}
				out = append(out, st.Error.Render(prefix+l))
			}
		}
	}
	return out, sel
}

func (m *Model) badge(typ string) string {
	b := m.c.Styles.Badge
	label := fmt.Sprintf("%-9s", inert.Text(typ))
	switch typ {
	case api.CommandPutFile:
		return b.PutFile.Render(label)
	case api.CommandRunScript:
		return b.RunScript.Render(label)
	case api.CommandGetFile:
		return b.GetFile.Render(label)
	}
	return m.c.Styles.Error.Render(label)
}

// bottom: selected file details, the comment, the prompt/note and problems.
func (m *Model) bottom() []string {
	st := m.c.Styles
	about, detail := "", ""
	if m.focus == focusPlan && m.planSel < len(m.plan.Commands) {
		c := m.plan.Commands[m.planSel]
		about = st.Bold.Render(fmt.Sprintf("#%d %s ", m.planSel+1, inert.Text(c.Type))) + m.remote(c.Target())
	} else if f, ok := m.selectedFile(); ok {
		about = widgets.StyleRuns(inert.Text(f.FileName), st.Bold, st.Escaped, true) + "  " + m.remote(f.Description)
		params := "no parameters"
		if f.ParametersDescription != "" {
			params = "params: " + inert.Text(f.ParametersDescription)
		}
		detail = st.Subtle.Render(fmt.Sprintf("%s · sha256 %s · by %s · updated %s", params,
			inert.Text(widgets.Short(f.SHA256, 12)), inert.Text(f.CreatedBy), widgets.Ago(f.LastUpdatedTime, m.c.Now())))
	}
	comment := st.Label.Render("Comment: ")
	if m.plan.Comment != "" {
		comment += m.remote(m.plan.Comment)
	} else if m.attempted {
		comment += st.Error.Render("required — press " + m.c.Keys.Compose.Comment.Help().Key + " to write one")
	} else {
		comment += st.Subtle.Render("(required; press " + m.c.Keys.Compose.Comment.Help().Key + ")")
	}
	prompt, problem := m.promptLines()
	return []string{about, detail, comment, prompt, problem}
}

// promptLines are the editor or confirmation and its live problem, or the note.
func (m *Model) promptLines() (string, string) {
	st := m.c.Styles
	switch m.mode {
	case modeEdit:
		label := map[editKind]string{editArgs: "Args for " + inert.Text(m.edit.cmd.Name) + ": ", editPath: "GetFile path: ", editComment: "Comment: "}[m.edit.kind]
		p := ""
		if !m.edit.touched && strings.TrimSpace(m.edit.field.Value()) == "" {
			p = st.Subtle.Render(m.editHint()) // nothing typed yet: a hint, not an error
		} else if msg := m.liveProblem(); msg != "" {
			p = st.Error.Render(msg)
		}
		return st.Label.Render(label) + m.edit.field.View(st.Input, st.Subtle, st.Selected), p
	case modeDelete:
		return st.Warning.Render(m.confirm.Prompt()), ""
	}
	note := ""
	if m.note != "" {
		note = st.Info.Render(m.note)
		if m.noteErr {
			note = st.Error.Render(m.note)
		}
	}
	if m.attempted {
		for _, p := range m.problems {
			if p.Index < 0 && p.Field != "comment" {
				return note, st.Error.Render(inert.Text(p.Message))
			}
		}
	}
	return note, ""
}

func (m *Model) previewView(h int) string {
	st := m.c.Styles
	m.preview.SetWidth(max(1, m.width-2))
	m.preview.SetHeight(max(1, h-3))
	title := st.Title.Render("Request body") + st.Subtle.Render(fmt.Sprintf(" POST /api/machines/%s/runliveresponse  (%d%%)",
		inert.Text(m.device.ID), int(m.preview.ScrollPercent()*100)))
	return st.PaneFocus.Render(widgets.Fit([]string{title, m.preview.View()}, max(1, m.width-2), max(1, h-2)))
}

// uploadLabelWidth is the upload form's label column ("Description" and a gap).
const uploadLabelWidth = 13

func (m *Model) uploadView(h int) string {
	st := m.c.Styles
	f := &m.upload
	labels := []string{"Local file", "Description", "Parameters"}
	lines := []string{st.Title.Render("Upload to the library"), ""}
	for i, l := range labels {
		mark := "  "
		if f.focus == i {
			mark = st.Bold.Render("> ")
		}
		lines = append(lines, mark+st.Label.Render(fmt.Sprintf("%-*s", uploadLabelWidth, l))+f.fields[i].View(st.Input, st.Subtle, st.Selected))
		if i == upPath && f.check != "" {
			style := st.Error
			if f.checkOK {
				style = st.Success
			}
			lines = append(lines, "  "+strings.Repeat(" ", uploadLabelWidth)+style.Render(inert.Text(f.check)))
		}
	}
	box := "[ ]"
	if f.override {
		box = "[x]"
	}
	mark := "  "
	if f.focus == upOverride {
		mark = st.Bold.Render("> ")
	}
	lines = append(lines, mark+st.Label.Render(fmt.Sprintf("%-*s", uploadLabelWidth, "Override"))+box+" replace a library file with the same name", "")
	switch {
	case f.busy:
		lines = append(lines, st.Subtle.Render("uploading…"))
	case f.err != "":
		lines = append(lines, st.Error.Render(f.err))
	default:
		lines = append(lines, st.Subtle.Render(fmt.Sprintf("At most %s. The file is visible to every analyst of the tenant.", widgets.Bytes(MaxUploadBytes))))
	}
	return st.PaneFocus.Render(widgets.Fit(lines, max(1, m.width-2), max(1, h-2)))
}

// remote makes text from the API inert, its escapes styled.
func (m *Model) remote(s string) string { return m.escapes(inert.Text(s)) }

// escapes styles the escapes of text that is already inert.
func (m *Model) escapes(s string) string { return widgets.StyleEscapes(s, m.c.Styles.Escaped) }

// selectedLine renders inert plain text as a selected row of width w.
func (m *Model) selectedLine(plain string, w int) string {
	return widgets.StyleRuns(widgets.Line(plain, w), m.c.Styles.Selected, m.c.Styles.EscapedSelected, true)
}
