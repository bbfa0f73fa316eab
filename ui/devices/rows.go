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

// segment names a part of a row's text. The searchable part (what the
// filter matches, and what fuzzyindex keeps a reference to) is every
// segment up to segGroup, separated by single spaces; the rest follows a
// NUL and is only shown in the detail pane.
type segment uint8

const (
	segName      segment = iota
	segID                // the device id
	segIP                // the last IP address (the IP column)
	segIPs               // the other interface addresses, space-separated
	segTags              // tags joined with ","
	segGroup             // the device group; the searchable text ends here
	segExt               // the last external IP address (not searched)
	segAgent             // the agent version (many distinct values: not interned)
	segOSVersion         // the OS version
	numSegments
)

// segmentNames label a match outside the visible columns.
var segmentNames = [...]string{"name", "id", "ip", "ip", "tag", "group", "external ip", "agent", "OS version"}

// noTime marks an unknown time in a row.
const noTime = int64(-1 << 63)

// row is the compact, render-ready form of one device: every string is
// already inert, the unique text of a device lives in one arena slice
// (shared with the filter index), and repeated values (OS, health, risk,
// …) are interned symbols. About 100 bytes plus the text.
type row struct {
	text                       string              // segments; see segment
	ends                       [numSegments]uint32 // end offset of each segment in text
	os, health, risk, exposure sym                 // table columns
	group, arch, onboarding    sym                 // detail pane (group also sorts)
	lastSeen, firstSeen        int64               // Unix seconds, noTime when unknown
	build                      uint32              // OS build, 0 when unknown
	riskRank, exposureRank     uint8               // severity, for sorting
	family                     osFamily            //
	active, aad                bool                // health is Active; AAD joined
}

// seg returns segment s of the row's text.
func (r *row) seg(s segment) string {
	start := uint32(0)
	if s > 0 {
		start = min(r.ends[s-1]+1, r.ends[s])
	}
	return r.text[start:r.ends[s]]
}

// segStart is the byte offset of segment s in the text.
func (r *row) segStart(s segment) int {
	if s == 0 {
		return 0
	}
	return int(min(r.ends[s-1]+1, r.ends[s]))
}

// haystack is the text the filter searches.
func (r *row) haystack() string { return r.text[:r.ends[segGroup]] }

func (r *row) name() string { return r.seg(segName) }

func (r *row) lastSeenTime() time.Time { return unixTime(r.lastSeen) }

func unixTime(s int64) time.Time {
	if s == noTime {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

func unixSeconds(t time.Time) int64 {
	if t.IsZero() {
		return noTime
	}
	return t.Unix()
}

// rawIdentity keeps what a plan needs of a device whose id, name, OS or
// health differ from their inert form (hostile text): plans use the
// values exactly as the API returned them.
type rawIdentity struct{ id, name, os, health string }

// fleet holds the devices' rows, the symbol table and the rare raw
// identities. Rows only grow until the next reload.
type fleet struct {
	rows []row
	syms *symbols
	raw  map[int32]rawIdentity
}

func newFleet() fleet { return fleet{syms: newSymbols(), raw: map[int32]rawIdentity{}} }

// appendPage turns a page of machines into rows, writing their text into
// one arena string, and returns the rows' haystacks for the filter index.
// Nothing keeps a reference to ms afterwards.
func (f *fleet) appendPage(ms []api.Machine) []string {
	var arena strings.Builder
	arena.Grow(textSize(ms))
	ends := make([][numSegments]uint32, len(ms))
	starts := make([]int, len(ms))
	for i := range ms {
		starts[i] = arena.Len()
		writeText(&arena, &ms[i], &ends[i])
	}
	text := arena.String()
	hay := make([]string, len(ms))
	for i := range ms {
		end := len(text)
		if i+1 < len(ms) {
			end = starts[i+1]
		}
		r := f.newRow(&ms[i], text[starts[i]:end], ends[i])
		if id := ms[i].ID; r.seg(segID) != id || r.name() != ms[i].ComputerDNSName ||
			f.syms.str(r.os) != ms[i].OSPlatform || f.syms.str(r.health) != ms[i].HealthStatus {
			f.raw[int32(len(f.rows))] = rawIdentity{id: id, name: ms[i].ComputerDNSName, os: ms[i].OSPlatform, health: ms[i].HealthStatus}
		}
		f.rows = append(f.rows, r)
		hay[i] = r.haystack()
	}
	return hay
}

// textSize is the arena size of ms when no text needs escaping.
func textSize(ms []api.Machine) int {
	n := 0
	for i := range ms {
		m := &ms[i]
		n += len(m.ComputerDNSName) + len(m.ID) + len(m.LastIPAddress) + len(m.RBACGroupName) +
			len(m.LastExternalIPAddress) + len(m.AgentVersion) + len(m.OSVersion) + int(numSegments)
		for _, ip := range m.IPAddresses {
			n += len(ip.IPAddress) + 1
		}
		for _, t := range m.MachineTags {
			n += len(t) + 1
		}
	}
	return n
}

// writeText writes a machine's segments (inert) and records their ends
// relative to the row's start.
func writeText(b *strings.Builder, m *api.Machine, ends *[numSegments]uint32) {
	start := b.Len()
	end := func(s segment) { ends[s] = uint32(b.Len() - start) }
	b.WriteString(inert.Text(m.ComputerDNSName))
	end(segName)
	b.WriteByte(' ')
	b.WriteString(inert.Text(m.ID))
	end(segID)
	b.WriteByte(' ')
	last := inert.Text(m.LastIPAddress)
	b.WriteString(last)
	end(segIP)
	b.WriteByte(' ')
	n := 0
	for i, ip := range m.IPAddresses {
		a := inert.Text(ip.IPAddress)
		if a == "" || a == last || seenIP(m.IPAddresses[:i], ip.IPAddress) {
			continue
		}
		if n > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(a)
		n++
	}
	end(segIPs)
	b.WriteByte(' ')
	for i, t := range m.MachineTags {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(inert.Text(t))
	}
	end(segTags)
	b.WriteByte(' ')
	b.WriteString(inert.Text(m.RBACGroupName))
	end(segGroup)
	b.WriteByte(0)
	b.WriteString(inert.Text(m.LastExternalIPAddress))
	end(segExt)
	b.WriteByte(0)
	b.WriteString(inert.Text(m.AgentVersion))
	end(segAgent)
	b.WriteByte(0)
	b.WriteString(inert.Text(m.OSVersion))
	end(segOSVersion)
}

func seenIP(before []api.IPAddress, ip string) bool {
	for _, p := range before {
		if p.IPAddress == ip {
			return true
		}
	}
	return false
}

func (f *fleet) newRow(m *api.Machine, text string, ends [numSegments]uint32) row {
	in := func(s string) sym { return f.syms.intern(inert.Text(s)) }
	r := row{
		text: text, ends: ends,
		os: in(m.OSPlatform), health: in(m.HealthStatus), risk: in(m.RiskScore), exposure: in(m.ExposureLevel),
		group: in(m.RBACGroupName), arch: in(m.OSArchitecture), onboarding: in(m.OnboardingStatus),
		lastSeen: unixSeconds(m.LastSeen), firstSeen: unixSeconds(m.FirstSeen),
		riskRank: severity(m.RiskScore), exposureRank: severity(m.ExposureLevel),
		family: familyOf(m.OSPlatform), active: m.HealthStatus == "Active", aad: m.IsAADJoined,
	}
	if m.OSBuild > 0 && m.OSBuild <= 1<<32-1 {
		r.build = uint32(m.OSBuild)
	}
	return r
}

// identity returns the raw id, name, OS and health of row i.
func (f *fleet) identity(i int32) rawIdentity {
	if raw, ok := f.raw[i]; ok {
		return raw
	}
	r := &f.rows[i]
	return rawIdentity{id: r.seg(segID), name: r.name(), os: f.syms.str(r.os), health: f.syms.str(r.health)}
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

// device returns what a plan needs to know about the device.
func device(id rawIdentity) state.Device {
	return state.Device{ID: id.id, Name: id.name, OSPlatform: id.os, HealthStatus: id.health}
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
