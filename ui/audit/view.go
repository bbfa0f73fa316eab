package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"mdlr/state"
	"mdlr/ui/chrome"
	"mdlr/ui/inert"
	"mdlr/ui/widgets"
)

// timeLayout shows entry times in UTC, as they are recorded.
const timeLayout = "2006-01-02 15:04:05"

// column widths of the list (WHO takes the rest).
const (
	wTime, wKind, wPhase, wDevice, wAction = 19, 14, 12, 18, 10
)

// View implements common.Screen.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	if m.detail && m.cursor < len(m.entries) {
		return m.viewDetail()
	}
	st := m.c.Styles
	lines := []string{m.verdict(), m.where()}
	switch {
	case m.dir == "":
		lines = append(lines, st.Subtle.Render("this session keeps no audit log"))
	case m.loading && m.report == nil:
		lines = append(lines, st.Subtle.Render("reading the audit log…"))
	case len(m.entries) == 0:
		lines = append(lines, st.Subtle.Render("no changes recorded yet: submissions, cancellations and library uploads and deletions are logged here"))
	default:
		lines = append(lines, st.Header.Render(m.row("TIME (UTC)", "KIND", "PHASE/RESULT", "DEVICE/FILE", "ACTION", "WHO")))
		end := min(len(m.entries), m.offset+m.listRows())
		for i := m.offset; i < end; i++ {
			line := m.entryRow(m.entries[i])
			if i == m.cursor {
				line = st.Selected.Render(widgets.Line(line, m.w))
			}
			lines = append(lines, line)
		}
	}
	return widgets.Fit(lines, m.w, m.h)
}

// verdict is the first line: what VerifyAudit found.
func (m *Model) verdict() string {
	st := m.c.Styles
	switch {
	case m.dir == "":
		return ""
	case m.verErr != "":
		return st.Error.Render("cannot verify the audit log: " + inert.Text(m.verErr))
	case m.report == nil:
		return st.Subtle.Render("verifying…")
	}
	r := m.report
	if !r.Intact() {
		p := r.Problems[0]
		more := ""
		if n := len(r.Problems) - 1; n > 0 {
			more = fmt.Sprintf(" (+%d more: mdlr audit verify)", n)
		}
		where := "the log"
		if p.Line > 0 {
			where = fmt.Sprintf("line %d", p.Line)
		}
		return st.Error.Render("TAMPERED or damaged at " + where + ": " + inert.Text(p.Message) + more)
	}
	s := st.Success.Render("intact: " + entries(r.Entries) + ", hash chain verified")
	if m.readErr != "" {
		s += " " + st.Warning.Render(inert.Text(m.readErr))
	}
	return s
}

// where names the log file under the verdict.
func (m *Model) where() string {
	if m.report == nil {
		return ""
	}
	return m.c.Styles.Subtle.Render("log: " + inert.Text(m.report.Path))
}

func (m *Model) row(tm, kind, phase, device, action, who string) string {
	rest := max(4, m.w-(wTime+wKind+wPhase+wDevice+wAction+5))
	cell := func(s string, w int) string { return chrome.PadRight(ansi.Truncate(s, w, "…"), w) }
	return strings.Join([]string{cell(tm, wTime), cell(kind, wKind), cell(phase, wPhase), cell(device, wDevice),
		cell(action, wAction), ansi.Truncate(who, rest, "…")}, " ")
}

func (m *Model) entryRow(e state.AuditEntry) string {
	phase := e.Phase // an outcome shows its result
	if e.Result != "" {
		phase = e.Result
	}
	device := chrome.ShortName(e.DeviceName)
	if device == "" && e.File != nil {
		device = e.File.Name // library changes name the file
	}
	return m.row(e.Time.UTC().Format(timeLayout), inert.Text(e.Kind), inert.Text(phase), inert.Text(device),
		inert.Text(widgets.Short(e.ActionID, wAction)), inert.Text(e.Identity))
}

func (m *Model) viewDetail() string {
	st := m.c.Styles
	e := m.entries[m.cursor]
	head := st.Title.Render(fmt.Sprintf("Entry %d", e.Seq)) + st.Subtle.Render(" — "+inert.Text(e.Kind)+" "+inert.Text(e.Phase))
	body := m.detailLines()
	end := min(len(body), m.scroll+max(1, m.h-1))
	return widgets.Fit(append([]string{head}, body[m.scroll:end]...), m.w, m.h)
}

// detailLines are the selected entry's fields and request body, inert.
func (m *Model) detailLines() []string {
	if m.cursor >= len(m.entries) {
		return nil
	}
	e := m.entries[m.cursor]
	st := m.c.Styles
	var out []string
	field := func(label, v string) {
		if v != "" {
			out = append(out, st.Label.Render(chrome.PadRight(label, 10))+" "+inert.Text(v))
		}
	}
	field("time", e.Time.UTC().Format(timeLayout)+" UTC")
	field("result", e.Result)
	field("error", e.Error)
	field("tenant", e.Tenant)
	field("who", e.Identity)
	field("device", strings.TrimSpace(e.DeviceName+" "+e.DeviceID))
	field("action", e.ActionID)
	field("intent", e.IntentID)
	field("comment", e.Comment)
	if f := e.File; f != nil {
		field("file", f.Name)
		if f.Size > 0 {
			field("size", widgets.Bytes(f.Size))
		}
		field("sha256", f.SHA256)
		field("about", f.Description)
	}
	field("discarded", e.Discarded)
	field("prev", e.Prev)
	field("hash", e.Hash)
	if len(e.Request) > 0 {
		out = append(out, "", st.Label.Render("request body"))
		for _, l := range strings.Split(prettyJSON(e.Request), "\n") {
			out = append(out, "  "+st.Code.Render(inert.Text(l)))
		}
	}
	return out
}

// prettyJSON indents a request body; a body that is not JSON is shown as is.
func prettyJSON(raw []byte) string {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}

// entries counts log entries in words.
func entries(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}
