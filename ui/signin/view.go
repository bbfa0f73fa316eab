package signin

import (
	"fmt"
	"strings"
	"time"

	"mdlr/ui/inert"
	"mdlr/ui/widgets"
)

// spinnerFrames are plain ASCII, readable in any terminal font.
var spinnerFrames = []string{"|", "/", "-", "\\"}

// indent is the left margin of the screen's text.
const indent = "  "

// View implements common.Screen.
func (m *Model) View() string {
	st := m.c.Styles
	wrapW := max(10, m.w-2*len(indent))
	lines := []string{"", indent + st.Title.Render("Signing in to Microsoft Defender") + " " + st.Subtle.Render(m.describeLabel()), ""}
	add := func(s string) { lines = append(lines, indent+s) }
	addWrapped := func(s string, render func(...string) string) {
		for _, l := range widgets.WrapWords(s, wrapW) {
			add(render(l))
		}
	}
	switch m.phase {
	case phaseIdle, phaseConnecting:
		add(m.spinner() + " signing in…")
	case phaseWaiting:
		p := m.prompt
		add("Open this address in a browser:")
		lines = append(lines, "")
		add(indent + st.Bold.Render(inert.Text(p.VerificationURI)))
		lines = append(lines, "")
		add("and enter the code:")
		lines = append(lines, "")
		add(indent + st.UserCode.Render(inert.Text(p.UserCode)))
		lines = append(lines, "")
		add(m.spinner() + " waiting for you to approve the sign-in…  " + m.countdown())
	case phaseFailed:
		if m.cancelled {
			add(st.Warning.Render("Sign-in cancelled."))
		} else {
			add(st.Error.Render("Sign-in failed:"))
			addWrapped(m.err, st.Error.Render)
		}
		lines = append(lines, "")
		k := m.c.Keys
		add(st.Subtle.Render(k.SignIn.Retry.Help().Key + " to try again · " + k.Global.Profile.Help().Key +
			" to choose another profile · " + k.Global.Quit.Help().Key + " to quit"))
	case phaseDone:
		add(st.Success.Render("Signed in."))
	}
	if len(m.notices) > 0 {
		lines = append(lines, "")
		for _, n := range m.notices {
			addWrapped(n, st.Subtle.Render)
		}
	}
	return widgets.Fit(lines, m.w, m.h)
}

func (m *Model) describeLabel() string {
	var parts []string
	if m.label.Mode != "" {
		parts = append(parts, modeName(m.label.Mode))
	}
	if m.label.Profile != "" {
		parts = append(parts, "profile "+inert.Text(m.label.Profile))
	}
	if m.label.Tenant != "" {
		parts = append(parts, "tenant "+inert.Text(m.label.Tenant))
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, " · ") + ")"
}

// modeName names a sign-in mode for people.
func modeName(mode string) string {
	switch mode {
	case "devicecode":
		return "device code"
	case "secret":
		return "app secret"
	case "certificate":
		return "app certificate"
	case "azcli":
		return "Azure CLI"
	}
	return inert.Text(mode)
}

func (m *Model) spinner() string {
	return m.c.Styles.Info.Render(spinnerFrames[m.frame%len(spinnerFrames)])
}

// countdown is the time left on the device code.
func (m *Model) countdown() string {
	if m.prompt == nil || m.prompt.ExpiresAt.IsZero() {
		return ""
	}
	left := m.prompt.ExpiresAt.Sub(m.c.Now())
	if left <= 0 {
		return m.c.Styles.Warning.Render("the code has expired")
	}
	left = left.Truncate(time.Second)
	return m.c.Styles.Subtle.Render(fmt.Sprintf("code expires in %d:%02d", int(left.Minutes()), int(left.Seconds())%60))
}
