package devices

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"mdlr/ui/inert"
	"mdlr/ui/widgets"
)

// detailPane renders the highlighted device's details in a bordered box of
// detailHeight lines.
func (m *Model) detailPane(now time.Time) []string {
	st := m.c.Styles
	inner := max(1, m.width-st.Pane.GetHorizontalFrameSize())
	mc := m.selected()
	var body []string
	if mc == nil {
		body = []string{st.Subtle.Render("no device selected")}
	} else {
		lbl := func(s string) string { return st.Label.Render(s) + " " }
		t := func(s string) string {
			if s == "" {
				return "-"
			}
			return inert.Text(s)
		}
		ips := make([]string, 0, len(mc.IPAddresses)+1)
		if mc.LastIPAddress != "" {
			ips = append(ips, t(mc.LastIPAddress))
		}
		for _, ip := range mc.IPAddresses {
			if ip.IPAddress != mc.LastIPAddress {
				ips = append(ips, t(ip.IPAddress))
			}
		}
		if mc.LastExternalIPAddress != "" {
			ips = append(ips, "external "+t(mc.LastExternalIPAddress))
		}
		aad := "no"
		if mc.IsAADJoined {
			aad = "yes"
		}
		build := ""
		if mc.OSBuild != 0 {
			build = " build " + strconv.FormatInt(mc.OSBuild, 10)
		}
		body = []string{
			st.Bold.Render(t(mc.ComputerDNSName)) + "  " + lbl("id") + t(mc.ID),
			lbl("OS") + t(mc.OSPlatform) + " " + t(mc.OSVersion) + build + " " + inert.Text(mc.OSArchitecture) +
				"  " + lbl("agent") + t(mc.AgentVersion) + "  " + lbl("onboarding") + t(mc.OnboardingStatus),
			lbl("health") + t(mc.HealthStatus) + "  " + lbl("risk") + t(mc.RiskScore) + "  " + lbl("exposure") +
				t(mc.ExposureLevel) + "  " + lbl("AAD joined") + aad,
			lbl("IPs") + t(strings.Join(ips, ", ")),
			lbl("group") + t(mc.RBACGroupName) + "  " + lbl("tags") + t(strings.Join(mc.MachineTags, ", ")),
			lbl("first seen") + stamp(mc.FirstSeen) + "  " + lbl("last seen") + stamp(mc.LastSeen) +
				" (" + relTime(mc.LastSeen, now) + ")",
		}
	}
	for i, l := range body {
		body[i] = padRight(ansi.Truncate(l, inner, "…"), inner)
	}
	for len(body) < detailHeight-2 {
		body = append(body, strings.Repeat(" ", inner))
	}
	return strings.Split(st.Pane.Render(strings.Join(body, "\n")), "\n")
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// sidePane renders the highlighted device's details as a bordered box of
// w×h cells beside the table: one field per line, long values wrapped.
func (m *Model) sidePane(now time.Time, w, h int) []string {
	st := m.c.Styles
	inner := max(1, w-st.Pane.GetHorizontalFrameSize())
	innerH := max(1, h-st.Pane.GetVerticalFrameSize())
	var body []string
	mc := m.selected()
	if mc == nil {
		body = []string{st.Subtle.Render("no device selected")}
	} else {
		t := func(s string) string {
			if s == "" {
				return "-"
			}
			return inert.Text(s)
		}
		aad := "no"
		if mc.IsAADJoined {
			aad = "yes"
		}
		osLine := t(mc.OSPlatform) + " " + t(mc.OSVersion)
		if mc.OSBuild != 0 {
			osLine += " build " + strconv.FormatInt(mc.OSBuild, 10)
		}
		osLine += " " + inert.Text(mc.OSArchitecture)
		ips := []string{}
		if mc.LastIPAddress != "" {
			ips = append(ips, t(mc.LastIPAddress))
		}
		for _, ip := range mc.IPAddresses {
			if ip.IPAddress != mc.LastIPAddress {
				ips = append(ips, t(ip.IPAddress))
			}
		}
		if mc.LastExternalIPAddress != "" {
			ips = append(ips, "external "+t(mc.LastExternalIPAddress))
		}
		tags := make([]string, len(mc.MachineTags))
		for i, tg := range mc.MachineTags {
			tags[i] = t(tg)
		}
		fields := [][2]string{
			{"id", t(mc.ID)}, {"OS", osLine}, {"agent", t(mc.AgentVersion)}, {"onboarding", t(mc.OnboardingStatus)},
			{"health", t(mc.HealthStatus)}, {"risk", t(mc.RiskScore)}, {"exposure", t(mc.ExposureLevel)},
			{"AAD joined", aad}, {"IPs", t(strings.Join(ips, ", "))}, {"group", t(mc.RBACGroupName)},
			{"tags", t(strings.Join(tags, ", "))}, {"first seen", stamp(mc.FirstSeen)},
			{"last seen", stamp(mc.LastSeen) + " (" + relTime(mc.LastSeen, now) + ")"},
		}
		body = append(body, st.Bold.Render(ansi.Hardwrap(t(mc.ComputerDNSName), inner, true)))
		for _, f := range fields {
			// wrapped plain (at spaces only: ids stay whole), then the label styled
			for i, l := range widgets.WrapWords(f[0]+" "+f[1], inner) {
				if i == 0 {
					l = st.Label.Render(f[0]) + strings.TrimPrefix(l, f[0])
				}
				body = append(body, l)
			}
		}
	}
	if len(body) > innerH {
		body = body[:innerH]
	}
	for i, l := range body {
		body[i] = padRight(ansi.Truncate(l, inner, "…"), inner)
	}
	for len(body) < innerH {
		body = append(body, strings.Repeat(" ", inner))
	}
	return strings.Split(st.Pane.Render(strings.Join(body, "\n")), "\n")
}
