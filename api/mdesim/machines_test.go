package mdesim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type machinesPage struct {
	Context  string           `json:"@odata.context"`
	Value    []map[string]any `json:"value"`
	NextLink string           `json:"@odata.nextLink"`
}

func (h *harness) listMachines(query string) (int, machinesPage, []byte) {
	h.t.Helper()
	status, _, b := h.do("GET", "/api/machines?"+query, nil)
	var p machinesPage
	if status == 200 {
		if err := json.Unmarshal(b, &p); err != nil {
			h.t.Fatalf("list machines: %v", err)
		}
	}
	return status, p, b
}

func names(p machinesPage) []string {
	var out []string
	for _, m := range p.Value {
		out = append(out, m["computerDnsName"].(string))
	}
	return out
}

func TestWellKnownDevicesComeFirst(t *testing.T) {
	h := newHarness(t, Options{Seed: 42})
	_, p, _ := h.listMachines("$top=7")
	want := []string{DeviceAnalyst, DeviceDC, DeviceLinux, DeviceMac, DeviceOffline, DeviceBusy, DeviceHostile}
	if got := names(p); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("first devices %v, want %v", got, want)
	}
	byName := map[string]map[string]any{}
	for _, m := range p.Value {
		byName[m["computerDnsName"].(string)] = m
	}
	if byName[DeviceOffline]["healthStatus"] != "Inactive" || byName[DeviceMac]["osPlatform"] != "macOS" ||
		byName[DeviceDC]["osPlatform"] != "WindowsServer2022" || byName[DeviceAnalyst]["id"] != DeviceAnalystID {
		t.Errorf("well-known attributes wrong: %v", byName[DeviceOffline])
	}
	hostile := byName[DeviceHostile]
	tags := strings.Join(func() []string {
		var s []string
		for _, t := range hostile["machineTags"].([]any) {
			s = append(s, t.(string))
		}
		return s
	}(), "|")
	for _, want := range []string{"\x1b]0;pwned\x07", "\x1b[2J", "red\x1b[31mtag", "\u202e"} {
		if !strings.Contains(tags, want) {
			t.Errorf("hostile tags %q lack %q", tags, want)
		}
	}
	if !strings.Contains(hostile["rbacGroupName"].(string), "\x1b[5m") {
		t.Errorf("hostile rbacGroupName %q", hostile["rbacGroupName"])
	}
}

func TestMachineJSONFieldNames(t *testing.T) {
	h := newHarness(t, Options{})
	status, _, b := h.do("GET", "/api/machines/"+DeviceAnalystID, nil)
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	m := obj(t, b)
	for _, f := range []string{"id", "computerDnsName", "firstSeen", "lastSeen", "osPlatform", "version", "osBuild",
		"lastIpAddress", "lastExternalIpAddress", "agentVersion", "healthStatus", "onboardingStatus", "deviceValue",
		"rbacGroupId", "rbacGroupName", "riskScore", "exposureLevel", "isAadJoined", "aadDeviceId", "machineTags",
		"ipAddresses", "osArchitecture"} {
		if _, ok := m[f]; !ok {
			t.Errorf("machine lacks %q", f)
		}
	}
	if _, isNum := m["rbacGroupId"].(float64); !isNum {
		t.Errorf("rbacGroupId should be a number like the real service, got %T", m["rbacGroupId"])
	}
	ips := m["ipAddresses"].([]any)
	if len(ips) != 2 {
		t.Fatalf("want 2 ipAddresses, got %d", len(ips))
	}
	ip := ips[0].(map[string]any)
	for _, f := range []string{"ipAddress", "macAddress", "type", "operationalStatus"} {
		if _, ok := ip[f]; !ok {
			t.Errorf("ipAddress lacks %q", f)
		}
	}
	if m["onboardingStatus"] != "Onboarded" {
		t.Errorf("onboardingStatus %v", m["onboardingStatus"])
	}
}

func TestGetMachineByIDOrName(t *testing.T) {
	h := newHarness(t, Options{Devices: 500, Seed: 7})
	_, p, _ := h.listMachines("$top=1&$skip=321")
	gen := p.Value[0]
	genID, genName := gen["id"].(string), gen["computerDnsName"].(string)
	cases := []struct {
		key    string
		status int
		want   string
	}{
		{DeviceLinuxID, 200, DeviceLinux},
		{"WIN-ANALYST-01.CONTOSO.LOCAL", 200, DeviceAnalyst},
		{genID, 200, genName},
		{strings.ToUpper(genName), 200, genName},
		{"0000000000000000000000000000000000000000", 404, ""},
		{"fin-ws-9999.contoso.local", 404, ""},
		{"nonsense", 404, ""},
	}
	for _, c := range cases {
		status, _, b := h.do("GET", "/api/machines/"+url.PathEscape(c.key), nil)
		if status != c.status {
			t.Errorf("%s: status %d, want %d", c.key, status, c.status)
			continue
		}
		if status == 200 && obj(t, b)["computerDnsName"] != c.want {
			t.Errorf("%s: got %v", c.key, obj(t, b)["computerDnsName"])
		} else if status == 404 && errCode(t, b) != "ResourceNotFound" {
			t.Errorf("%s: code %s", c.key, errCode(t, b))
		}
	}
	if h.sim.DeviceID(genName) != genID || h.sim.DeviceName(genID) != genName {
		t.Errorf("DeviceID/DeviceName lookups disagree with the API")
	}
}

func TestListPagingCoversFleetExactlyOnce(t *testing.T) {
	h := newHarness(t, Options{Devices: 1234, Seed: 3})
	seen := map[string]bool{}
	for skip := 0; ; skip += 500 {
		_, p, _ := h.listMachines("$top=500&$skip=" + itoa(skip))
		if p.NextLink != "" {
			t.Errorf("nextLink present although $top was sent")
		}
		for _, m := range p.Value {
			id := m["id"].(string)
			if seen[id] {
				t.Fatalf("duplicate id %s", id)
			}
			seen[id] = true
		}
		if len(p.Value) < 500 {
			break
		}
	}
	if len(seen) != 1234 {
		t.Fatalf("paged %d devices, want 1234", len(seen))
	}
	_, p, _ := h.listMachines("")
	if len(p.Value) != 1234 || p.NextLink != "" {
		t.Errorf("unpaged list: %d devices, nextLink %q", len(p.Value), p.NextLink)
	}
}

func TestListIsDeterministicPerSeed(t *testing.T) {
	a := newHarness(t, Options{Devices: 50, Seed: 9})
	b := newHarness(t, Options{Devices: 50, Seed: 9})
	c := newHarness(t, Options{Devices: 50, Seed: 10})
	_, _, ba := a.do("GET", "/api/machines", nil)
	_, _, bb := b.do("GET", "/api/machines", nil)
	_, _, bc := c.do("GET", "/api/machines", nil)
	if string(ba) != string(bb) {
		t.Errorf("same seed gave different fleets")
	}
	if string(ba) == string(bc) {
		t.Errorf("different seeds gave identical fleets")
	}
}

func TestMachineFilters(t *testing.T) {
	h := newHarness(t, Options{Devices: 2000, Seed: 1})
	_, all, _ := h.listMachines("")
	count := func(pred func(m map[string]any) bool) int {
		n := 0
		for _, m := range all.Value {
			if pred(m) {
				n++
			}
		}
		return n
	}
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	cases := []struct {
		filter string
		pred   func(m map[string]any) bool
	}{
		{"startswith(computerDnsName,'fin-')", func(m map[string]any) bool { return strings.HasPrefix(str(m, "computerDnsName"), "fin-") }},
		{"computerDnsName eq 'srv-dc-01.contoso.local'", func(m map[string]any) bool { return str(m, "computerDnsName") == DeviceDC }},
		{"id eq '" + DeviceMacID + "'", func(m map[string]any) bool { return str(m, "id") == DeviceMacID }},
		{"healthStatus ne 'Active'", func(m map[string]any) bool { return str(m, "healthStatus") != "Active" }},
		{"healthStatus eq 'Inactive' and osPlatform eq 'Windows10'", func(m map[string]any) bool {
			return str(m, "healthStatus") == "Inactive" && str(m, "osPlatform") == "Windows10"
		}},
		{"(riskScore eq 'High' or riskScore eq 'Medium') and startswith(computerDnsName,'k8s')", func(m map[string]any) bool {
			r := str(m, "riskScore")
			return (r == "High" || r == "Medium") && strings.HasPrefix(str(m, "computerDnsName"), "k8s")
		}},
		{"osPlatform eq 'Linux' or osPlatform eq 'macOS'", func(m map[string]any) bool {
			return str(m, "osPlatform") == "Linux" || str(m, "osPlatform") == "macOS"
		}},
		{"computerDnsName eq 'o''brien'", func(m map[string]any) bool { return false }},
	}
	for _, c := range cases {
		t.Run(c.filter, func(t *testing.T) {
			status, p, b := h.listMachines("$filter=" + url.QueryEscape(c.filter))
			if status != 200 {
				t.Fatalf("status %d: %s", status, b)
			}
			want := count(c.pred)
			if len(p.Value) != want {
				t.Errorf("%d matches, want %d", len(p.Value), want)
			}
			for _, m := range p.Value {
				if !c.pred(m) {
					t.Errorf("returned non-matching %s", m["computerDnsName"])
				}
			}
		})
	}
	if n := count(func(m map[string]any) bool { return str(m, "healthStatus") != "Active" }); n == 0 || n > 600 {
		t.Errorf("health mix implausible: %d of 2000 not Active", n)
	}
}

func TestQueryOptionErrors(t *testing.T) {
	h := newHarness(t, Options{})
	cases := []string{
		"$top=10001", "$top=-1", "$top=abc", "$skip=-5", "$stop=10",
		"$filter=" + url.QueryEscape("machineTags eq 'x'"),
		"$filter=" + url.QueryEscape("computerDnsName eq 'unterminated"),
		"$filter=" + url.QueryEscape("computerDnsName like 'x'"),
		"$filter=" + url.QueryEscape("(healthStatus eq 'Active'"),
		"$filter=" + url.QueryEscape("healthStatus eq 'Active' extra"),
	}
	for _, q := range cases {
		status, _, b := h.do("GET", "/api/machines?"+q, nil)
		if status != http.StatusBadRequest || errCode(t, b) != "ODataError" {
			t.Errorf("%s: status %d body %s", q, status, b)
		}
	}
}

func TestEmptyFleetIs404(t *testing.T) {
	h := newHarness(t, Options{Devices: -1})
	status, _, b := h.do("GET", "/api/machines", nil)
	if status != 404 || errCode(t, b) != "ResourceNotFound" {
		t.Errorf("empty fleet: %d %s", status, b)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
