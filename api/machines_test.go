package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestListMachinesDecodesReferenceShape(t *testing.T) {
	ten := newTenant(t)
	var gotQuery string
	ten.handle("GET /api/machines", func(w http.ResponseWriter, r *http.Request) {
		gotQuery = r.URL.RawQuery
		writeJSON(w, 200, `{"@odata.context":"https://api-us3.securitycenter.microsoft.com/api/$metadata#Machines","value":[`+machineJSON+`]}`)
	})
	c := ten.client(t, newFakeClock())
	ms, err := c.ListMachines(t.Context(), ListOptions{Filter: StartsWith("computerDnsName", "fin-"), Top: 50, Skip: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"$filter=startswith%28computerDnsName%2C%27fin-%27%29", "$top=50", "$skip=5"} {
		mustContain(t, gotQuery, want)
	}
	if len(ms) != 1 {
		t.Fatalf("machines = %d", len(ms))
	}
	m := ms[0]
	if m.ID != "7b1f4967d9728e5aa3c06a9e617a22a4a5a17378" || m.ComputerDNSName != "fin-ws-0142.corp.contoso.com" {
		t.Errorf("id/name = %q %q", m.ID, m.ComputerDNSName)
	}
	if m.RBACGroupID != "140" || m.RBACGroupName != "Finance-Workstations" {
		t.Errorf("rbac = %q %q", m.RBACGroupID, m.RBACGroupName)
	}
	if m.OSVersion != "" || m.OSBuild != 22631 || m.OSPlatform != "Windows11" || m.HealthStatus != "Active" {
		t.Errorf("os fields = %+v", m)
	}
	if !m.IsAADJoined || len(m.MachineTags) != 2 || m.MachineTags[1] != "vip" || len(m.IPAddresses) != 2 || m.IPAddresses[1].IPAddress != "fe80::1c2d:3e4f:5a6b:7c8d" {
		t.Errorf("tags/ips = %+v %+v", m.MachineTags, m.IPAddresses)
	}
	if want := time.Date(2025, 11, 3, 6, 51, 9, 441000000, time.UTC); !m.LastSeen.Equal(want) {
		t.Errorf("lastSeen = %v", m.LastSeen)
	}
}

func TestListMachinesNotFoundIsEmpty(t *testing.T) {
	ten := newTenant(t)
	ten.handle("GET /api/machines", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, `{"error":{"code":"ResourceNotFound","message":"No machines","target":"x"}}`)
	})
	c := ten.client(t, newFakeClock())
	ms, err := c.ListMachines(t.Context(), ListOptions{})
	if err != nil || ms == nil || len(ms) != 0 {
		t.Fatalf("ms=%v err=%v, want empty non-nil list", ms, err)
	}
	if err := c.ListAllMachines(t.Context(), "", 0, func([]Machine) error { t.Error("onPage called"); return nil }); err != nil {
		t.Fatal(err)
	}
}

// pagedMachines serves total machines honouring $top/$skip and always adds a
// bogus nextLink that the client must ignore.
func pagedMachines(t *testing.T, total int) (*tenant, *[]string) {
	ten := newTenant(t)
	var mu sync.Mutex
	var queries []string
	ten.handle("GET /api/machines", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mu.Lock()
		queries = append(queries, "top="+q.Get("$top")+" skip="+q.Get("$skip"))
		mu.Unlock()
		top, _ := strconv.Atoi(q.Get("$top"))
		skip, _ := strconv.Atoi(q.Get("$skip"))
		var items []string
		for i := skip; i < total && i < skip+top; i++ {
			items = append(items, fmt.Sprintf(`{"id":"m%03d","computerDnsName":"host-%d","rbacGroupId":"7"}`, i, i))
		}
		writeJSON(w, 200, `{"value":[`+strings.Join(items, ",")+`],"@odata.nextLink":"https://evil.example/api/machines?$skip=0"}`)
	})
	return ten, &queries
}

func TestListAllMachinesPagesUntilShortPage(t *testing.T) {
	ten, queries := pagedMachines(t, 25)
	c := ten.client(t, newFakeClock())
	var ids []string
	var pages int
	err := c.ListAllMachines(t.Context(), "", 10, func(p []Machine) error {
		pages++
		for _, m := range p {
			ids = append(ids, m.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 25 || ids[24] != "m024" || pages != 3 {
		t.Fatalf("ids=%d pages=%d", len(ids), pages)
	}
	want := "top=10 skip=|top=10 skip=10|top=10 skip=20"
	if got := strings.Join(*queries, "|"); got != want {
		t.Fatalf("queries = %q, want %q", got, want)
	}
}

func TestListAllMachinesExactMultipleEndsOnEmptyPage(t *testing.T) {
	ten, queries := pagedMachines(t, 20)
	c := ten.client(t, newFakeClock())
	n := 0
	if err := c.ListAllMachines(t.Context(), "", 10, func(p []Machine) error { n += len(p); return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 20 || len(*queries) != 3 {
		t.Fatalf("n=%d queries=%v", n, *queries)
	}
}

func TestListAllMachinesDefaultPageSizeAndStopOnCallbackError(t *testing.T) {
	ten, queries := pagedMachines(t, 3)
	c := ten.client(t, newFakeClock())
	stop := fmt.Errorf("stop")
	if err := c.ListAllMachines(t.Context(), "", 0, func([]Machine) error { return stop }); err != stop {
		t.Fatalf("err = %v", err)
	}
	if (*queries)[0] != "top=10000 skip=" {
		t.Fatalf("query = %q", (*queries)[0])
	}
}

func TestGetMachineEscapesName(t *testing.T) {
	ten := newTenant(t)
	var gotPath string
	ten.handle("GET /api/machines/{id}", func(w http.ResponseWriter, r *http.Request) {
		gotPath = r.PathValue("id")
		writeJSON(w, 200, machineJSON)
	})
	c := ten.client(t, newFakeClock())
	if _, err := c.GetMachine(t.Context(), "odd/name?x=1"); err != nil {
		t.Fatal(err)
	}
	if gotPath != "odd/name?x=1" {
		t.Fatalf("server saw id %q", gotPath)
	}
	for _, bad := range []string{"", "..", "."} {
		if _, err := c.GetMachine(t.Context(), bad); err == nil {
			t.Errorf("GetMachine(%q) accepted", bad)
		}
	}
}
