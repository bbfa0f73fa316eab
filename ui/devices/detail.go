package devices

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"mdlr/ui/widgets"
)

// info is the detail pane's view of one device, every string inert.
type info struct {
	name, id, os, agent, onboarding, health, risk, exposure, aad, ips, group, tags string
	firstSeen, lastSeen                                                            time.Time
}

// infoOf expands row ri for the detail pane.
func (m *Model) infoOf(ri int32) info {
	r := &m.rows[ri]
	t := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	y := m.syms.str
	osLine := t(y(r.os))
	if v := r.seg(segOSVersion); v != "" {
		osLine += " " + v
	}
	if r.build != 0 {
		osLine += " build " + strconv.FormatUint(uint64(r.build), 10)
	}
	if a := y(r.arch); a != "" {
		osLine += " " + a
	}
	var ips []string
	if ip := r.seg(segIP); ip != "" {
		ips = append(ips, ip)
	}
	if other := r.seg(segIPs); other != "" {
		ips = append(ips, strings.Split(other, " ")...)
	}
	if ext := r.seg(segExt); ext != "" {
		ips = append(ips, "external "+ext)
	}
	aad := "no"
	if r.aad {
		aad = "yes"
	}
	health := t(y(r.health))
	if short := healthShort(y(r.health)); short != y(r.health) {
		health += " (" + short + ")"
	}
	return info{
		name: t(r.name()), id: t(r.seg(segID)), os: osLine, agent: t(r.seg(segAgent)), onboarding: t(y(r.onboarding)),
		health: health, risk: t(y(r.risk)), exposure: t(y(r.exposure)), aad: aad,
		ips: t(strings.Join(ips, ", ")), group: t(r.seg(segGroup)), tags: t(strings.ReplaceAll(r.seg(segTags), ",", ", ")),
		firstSeen: unixTime(r.firstSeen), lastSeen: r.lastSeenTime(),
	}
}

// detailPane renders the highlighted device's details in a bordered box of
// detailHeight lines.
func (m *Model) detailPane(now time.Time) []string {
	st := m.c.Styles
	inner := max(1, m.width-st.Pane.GetHorizontalFrameSize())
	ri := m.selected()
	var body []string
	if ri < 0 {
		body = []string{st.Subtle.Render("no device selected")}
	} else {
		d := m.infoOf(ri)
		lbl := func(s string) string { return st.Label.Render(s) + " " }
		v := m.remote
		body = []string{
			st.Bold.Render(v(d.name)) + "  " + lbl("id") + v(d.id),
			lbl("OS") + v(d.os) + "  " + lbl("agent") + v(d.agent) + "  " + lbl("onboarding") + v(d.onboarding),
			lbl("health") + v(d.health) + "  " + lbl("risk") + v(d.risk) + "  " + lbl("exposure") +
				v(d.exposure) + "  " + lbl("AAD joined") + d.aad,
			lbl("IPs") + v(d.ips),
			lbl("group") + v(d.group) + "  " + lbl("tags") + v(d.tags),
			lbl("first seen") + stamp(d.firstSeen) + "  " + lbl("last seen") + stamp(d.lastSeen) +
				" (" + relTime(d.lastSeen, now) + ")",
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
	ri := m.selected()
	if ri < 0 {
		body = []string{st.Subtle.Render("no device selected")}
	} else {
		d := m.infoOf(ri)
		fields := [][2]string{
			{"id", d.id}, {"OS", d.os}, {"agent", d.agent}, {"onboarding", d.onboarding},
			{"health", d.health}, {"risk", d.risk}, {"exposure", d.exposure},
			{"AAD joined", d.aad}, {"IPs", d.ips}, {"group", d.group},
			{"tags", d.tags}, {"first seen", stamp(d.firstSeen)},
			{"last seen", stamp(d.lastSeen) + " (" + relTime(d.lastSeen, now) + ")"},
		}
		for _, l := range strings.Split(ansi.Hardwrap(d.name, inner, true), "\n") {
			body = append(body, st.Bold.Render(m.remote(l)))
		}
		for _, f := range fields {
			// wrapped plain (at spaces only: ids stay whole), then the label styled
			for i, l := range widgets.WrapWords(f[0]+" "+f[1], inner) {
				if i == 0 {
					l = st.Label.Render(f[0]) + m.remote(strings.TrimPrefix(l, f[0]))
				} else {
					l = m.remote(l)
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
