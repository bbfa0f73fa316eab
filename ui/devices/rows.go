package devices

import (
	"strconv"
	"strings"
	"time"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/inert"
)

// osFamily groups OS platforms for the OS facet.
type osFamily uint8

const (
	osOther osFamily = iota
	osWindows
	osServer
	osLinux
	osMac
)

// row is the compact, render-ready form of one device. Every string is
// already made inert so that rendering a frame does no sanitising.
type row struct {
	id, name, ip, os, health, risk, exposure, group, tags string
	lastSeen                                              time.Time
	family                                                osFamily
	active                                                bool
	haystack                                              string // what the filter searches; starts with name
}

func newRow(m *api.Machine) row {
	tags := make([]string, len(m.MachineTags))
	for i, t := range m.MachineTags {
		tags[i] = inert.Text(t)
	}
	r := row{
		id:       inert.Text(m.ID),
		name:     inert.Text(m.ComputerDNSName),
		ip:       inert.Text(m.LastIPAddress),
		os:       inert.Text(m.OSPlatform),
		health:   inert.Text(m.HealthStatus),
		risk:     inert.Text(m.RiskScore),
		exposure: inert.Text(m.ExposureLevel),
		group:    inert.Text(m.RBACGroupName),
		tags:     strings.Join(tags, ","),
		lastSeen: m.LastSeen,
		family:   familyOf(m.OSPlatform),
		active:   m.HealthStatus == "Active",
	}
	var hs strings.Builder
	hs.WriteString(r.name)
	hs.WriteByte(' ')
	hs.WriteString(r.id)
	for _, ip := range m.IPAddresses {
		hs.WriteByte(' ')
		hs.WriteString(inert.Text(ip.IPAddress))
	}
	if m.LastIPAddress != "" {
		hs.WriteByte(' ')
		hs.WriteString(inert.Text(m.LastIPAddress))
	}
	hs.WriteByte(' ')
	hs.WriteString(r.tags)
	hs.WriteByte(' ')
	hs.WriteString(r.group)
	r.haystack = hs.String()
	return r
}

func familyOf(platform string) osFamily {
	p := strings.ToLower(platform)
	switch {
	case strings.HasPrefix(p, "windowsserver"):
		return osServer
	case state.IsWindows(platform):
		return osWindows
	case strings.Contains(p, "linux") || strings.Contains(p, "ubuntu") || strings.Contains(p, "rhel"):
		return osLinux
	case strings.Contains(p, "mac"):
		return osMac
	}
	return osOther
}

// device returns what a plan needs to know about the machine.
func device(m *api.Machine) state.Device {
	return state.Device{ID: m.ID, Name: m.ComputerDNSName, OSPlatform: m.OSPlatform, HealthStatus: m.HealthStatus}
}

// relTime renders how long ago t was, in the largest sensible unit.
func relTime(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return itoa(int(d/time.Minute)) + "m ago"
	case d < 48*time.Hour:
		return itoa(int(d/time.Hour)) + "h ago"
	default:
		return itoa(int(d/(24*time.Hour))) + "d ago"
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// thousands formats n with comma separators ("12,000").
func thousands(n int) string {
	s := itoa(n)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
