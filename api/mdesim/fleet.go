package mdesim

import (
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Names of the well-known devices, always the first in the fleet.
const (
	DeviceAnalyst = "win-analyst-01.contoso.local" // Windows11, Active, healthy
	DeviceDC      = "srv-dc-01.contoso.local"      // WindowsServer2022, Active
	DeviceLinux   = "lnx-web-01.contoso.local"     // Linux, Active
	DeviceMac     = "mac-design-01.contoso.local"  // macOS, Active
	DeviceOffline = "win-offline-07.contoso.local" // Inactive: actions time out
	DeviceBusy    = "win-busy-03.contoso.local"    // has a never-ending action
	DeviceHostile = "win-hostile-66.contoso.local" // tags with escape sequences
)

// Ids of the well-known devices (independent of the seed).
const (
	DeviceAnalystID = "c22ce22efbbe879d733a3f7492136734d1183d2d"
	DeviceDCID      = "32d8a1199fceffd926d639dcb45e2b3dddbbe464"
	DeviceLinuxID   = "14eb63b5a82a9e84a1dbe09ddc17ce20816331b8"
	DeviceMacID     = "4f0b92ceebe0a770f946f5dd581ad6418ed37471"
	DeviceOfflineID = "8ad440a4f025dc7e3abbfd72048dd57407b3fe5d"
	DeviceBusyID    = "d67b0bf03c21f9cb816c56835e302aeb89cca2fc"
	DeviceHostileID = "3789d9c6fe1f16eb0f0410071e3ca9ae89594b40"
)

const domainSuffix = ".contoso.local"

type wellKnownDevice struct {
	name, id, os, health, group string
	tags                        []string
}

var wellKnown = []wellKnownDevice{
	{DeviceAnalyst, DeviceAnalystID, "Windows11", "Active", "SOC-Workstations", []string{"soc", "analyst"}},
	{DeviceDC, DeviceDCID, "WindowsServer2022", "Active", "Tier0-Servers", []string{"tier0", "domain-controller"}},
	{DeviceLinux, DeviceLinuxID, "Linux", "Active", "Web-Servers", []string{"web", "dmz"}},
	{DeviceMac, DeviceMacID, "macOS", "Active", "Design-Macs", []string{"design"}},
	{DeviceOffline, DeviceOfflineID, "Windows10", "Inactive", "Finance-Workstations", []string{"finance"}},
	{DeviceBusy, DeviceBusyID, "Windows11", "Active", "SOC-Workstations", []string{"under-investigation"}},
	{DeviceHostile, DeviceHostileID, "Windows11", "Active", "\x1b[5mBlinking-Group\x1b[0m",
		[]string{"\x1b]0;pwned\x07", "\x1b[2J", "red\x1b[31mtag", "\u202eevil-tag", "normal-tag"}},
}

type deviceKind struct {
	prefix  string
	oses    []string
	group   string
	groupID int
	tags    []string
}

var deviceKinds = []deviceKind{
	{"fin-ws", []string{"Windows11", "Windows10"}, "Finance-Workstations", 140, []string{"finance"}},
	{"hr-lt", []string{"Windows10", "Windows11"}, "HR-Laptops", 141, []string{"hr", "laptop"}},
	{"eng-ws", []string{"Windows11"}, "Engineering-Workstations", 142, []string{"engineering"}},
	{"srv-sql", []string{"WindowsServer2019", "WindowsServer2022"}, "Database-Servers", 150, []string{"sql", "prod"}},
	{"srv-app", []string{"WindowsServer2016", "WindowsServer2019"}, "App-Servers", 151, []string{"app"}},
	{"srv-file", []string{"WindowsServer2022"}, "File-Servers", 152, []string{"file"}},
	{"k8s-node", []string{"Linux"}, "Kubernetes-Nodes", 160, []string{"k8s", "prod"}},
	{"web", []string{"Linux"}, "Web-Servers", 161, []string{"web", "dmz"}},
	{"mbp", []string{"macOS"}, "Design-Macs", 170, []string{"mac"}},
	{"sales-lt", []string{"Windows11", "Windows10"}, "Sales-Laptops", 143, []string{"sales", "laptop"}},
	{"dev-vm", []string{"Linux", "Windows11"}, "Dev-VMs", 162, []string{"dev"}},
}

// machine is one simulated device (the JSON shape is in machineJSON).
type machine struct {
	index     int
	id, name  string
	os        string
	health    string
	risk      string
	exposure  string
	value     string
	group     string
	groupID   int
	tags      []string
	ip4, ip6  string
	extIP     string
	mac       string
	agent     string
	build     int64
	version   string
	firstSeen time.Time
	lastSeen  time.Time
	aadJoined bool
	aadID     string
}

// offline reports whether the device cannot pick up actions.
func (m *machine) offline() bool { return m.health == "Inactive" }

// windows reports whether the device runs Windows.
func (m *machine) windows() bool { return strings.HasPrefix(m.os, "Windows") }

// fleet generates machines on demand from (seed, index).
type fleet struct {
	seed  int64
	size  int
	epoch time.Time
}

func (f *fleet) rng(index int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(f.seed), uint64(index)*0x9e3779b97f4a7c15+1))
}

// generatedID encodes index in the last 8 hex digits so lookups need no map.
func (f *fleet) generatedID(index int) string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], uint64(f.seed))
	binary.LittleEndian.PutUint64(b[8:], uint64(index))
	sum := sha1.Sum(b[:])
	head := hex.EncodeToString(sum[:16])
	mask := binary.BigEndian.Uint32(sum[:4])
	return head + fmt.Sprintf("%08x", uint32(index)^mask)
}

func (f *fleet) generatedName(index int) string {
	j := index - len(wellKnown)
	k := deviceKinds[j%len(deviceKinds)]
	return fmt.Sprintf("%s-%04d%s", k.prefix, j/len(deviceKinds)+1, domainSuffix)
}

// byIndex returns machine index, or nil when out of range.
func (f *fleet) byIndex(index int) *machine {
	if index < 0 || index >= f.size {
		return nil
	}
	r := f.rng(index)
	m := &machine{index: index}
	if index < len(wellKnown) {
		w := wellKnown[index]
		m.id, m.name, m.os, m.health, m.group = w.id, w.name, w.os, w.health, w.group
		m.tags = append([]string(nil), w.tags...)
		m.groupID = 100 + index
	} else {
		j := index - len(wellKnown)
		k := deviceKinds[j%len(deviceKinds)]
		m.id, m.name = f.generatedID(index), f.generatedName(index)
		m.os = k.oses[r.IntN(len(k.oses))]
		m.group, m.groupID = k.group, k.groupID
		m.tags = append([]string(nil), k.tags...)
		if r.IntN(10) == 0 {
			m.tags = append(m.tags, "vip")
		}
		switch h := r.IntN(100); {
		case h < 85:
			m.health = "Active"
		case h < 92:
			m.health = "Inactive"
		case h < 96:
			m.health = "ImpairedCommunication"
		default:
			m.health = "NoSensorData"
		}
	}
	m.risk = pick(r, "None", "Informational", "Low", "Low", "Medium", "Medium", "High")
	m.exposure = pick(r, "None", "Low", "Low", "Medium", "High")
	m.value = pick(r, "Normal", "Normal", "Normal", "Low", "High")
	subnet := 10 + index%4*10
	m.ip4 = fmt.Sprintf("10.%d.%d.%d", subnet, (index/250)%250, index%250+2)
	m.ip6 = fmt.Sprintf("fe80::%x:%x:%x:%x", r.IntN(0xffff), r.IntN(0xffff), r.IntN(0xffff), r.IntN(0xffff))
	m.extIP = fmt.Sprintf("203.0.113.%d", 1+r.IntN(254))
	m.mac = fmt.Sprintf("00155D%06X", r.IntN(0xffffff))
	m.firstSeen = f.epoch.Add(-time.Duration(200+r.IntN(700)) * 24 * time.Hour).Add(-time.Duration(r.IntN(86400)) * time.Second)
	m.lastSeen = f.epoch.Add(-time.Duration(r.IntN(5*86400)) * time.Second).Truncate(time.Millisecond)
	if m.health == "Inactive" {
		m.lastSeen = f.epoch.Add(-time.Duration(8+r.IntN(20)) * 24 * time.Hour).Truncate(time.Millisecond)
	}
	if index < len(wellKnown) && m.health == "Active" {
		m.lastSeen = f.epoch.Add(-time.Duration(5+index) * time.Minute)
	}
	switch {
	case m.windows():
		m.build, m.version = windowsBuild(m.os, r)
		m.agent = fmt.Sprintf("10.8760.%d.%d", m.build, 1000+r.IntN(4000))
		m.aadJoined = !strings.HasPrefix(m.os, "WindowsServer")
	case m.os == "Linux":
		m.version, m.agent = "Ubuntu 22.04", fmt.Sprintf("101.24%02d.%04d", 1+r.IntN(12), r.IntN(10000))
	default:
		m.version, m.agent = "14.6", fmt.Sprintf("101.24%02d.%04d", 1+r.IntN(12), r.IntN(10000))
	}
	if m.aadJoined {
		m.aadID = guidFrom(r)
	}
	return m
}

func windowsBuild(os string, r *rand.Rand) (int64, string) {
	switch os {
	case "Windows11":
		return pickBuild(r, [][2]string{{"22631", "23H2"}, {"26100", "24H2"}})
	case "Windows10":
		return pickBuild(r, [][2]string{{"19045", "22H2"}, {"19044", "21H2"}})
	case "WindowsServer2016":
		return 14393, "1607"
	case "WindowsServer2019":
		return 17763, "1809"
	default:
		return 20348, "21H2"
	}
}

func pickBuild(r *rand.Rand, opts [][2]string) (int64, string) {
	o := opts[r.IntN(len(opts))]
	b, _ := strconv.ParseInt(o[0], 10, 64)
	return b, o[1]
}

func pick(r *rand.Rand, vals ...string) string { return vals[r.IntN(len(vals))] }

func guidFrom(r *rand.Rand) string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], r.Uint64())
	binary.LittleEndian.PutUint64(b[8:], r.Uint64())
	return formatGUID(b)
}

func formatGUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// lookup finds a machine by id or computer name (case-insensitive).
func (f *fleet) lookup(key string) *machine {
	lk := strings.ToLower(strings.TrimSpace(key))
	if lk == "" {
		return nil
	}
	for i, w := range wellKnown {
		if i >= f.size {
			break
		}
		if lk == w.id || lk == w.name || lk+domainSuffix == w.name {
			return f.byIndex(i)
		}
	}
	if len(lk) == 40 && isHex(lk) {
		head := lk[:32]
		maskBytes, _ := hex.DecodeString(head[:8])
		tail, err := strconv.ParseUint(lk[32:], 16, 32)
		if err != nil {
			return nil
		}
		idx := int(uint32(tail) ^ binary.BigEndian.Uint32(maskBytes))
		if idx >= len(wellKnown) && idx < f.size && f.generatedID(idx) == lk {
			return f.byIndex(idx)
		}
		return nil
	}
	name := strings.TrimSuffix(lk, domainSuffix)
	dash := strings.LastIndexByte(name, '-')
	if dash < 0 {
		return nil
	}
	num, err := strconv.Atoi(name[dash+1:])
	if err != nil || num < 1 || num > MaxDevices {
		return nil
	}
	for k, kind := range deviceKinds {
		if kind.prefix != name[:dash] {
			continue
		}
		idx := len(wellKnown) + (num-1)*len(deviceKinds) + k
		if idx < f.size && strings.EqualFold(f.generatedName(idx), name+domainSuffix) {
			return f.byIndex(idx)
		}
	}
	return nil
}

func isHex(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
