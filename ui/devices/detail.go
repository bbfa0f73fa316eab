package devices

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"mdlr/ui/inert"
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
