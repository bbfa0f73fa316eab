package mdesim

import (
	"testing"
	"time"
)

func TestListMachineActionsFiltersAndOrder(t *testing.T) {
	h := newHarness(t, Options{Requestor: "me@contoso.com"})
	t0 := h.clock.Now()
	first := h.submit(DeviceAnalyst, []string{"GetFile", "Path", `C:\a.log`})
	h.clock.Advance(time.Minute)
	second := h.submit(DeviceDC, []string{"GetFile", "Path", `C:\missing.log`})
	h.clock.Advance(time.Minute)
	third := h.submit(DeviceOffline, []string{"GetFile", "Path", `C:\b.log`})
	h.advance(10 * time.Minute)

	ids := func(filter string, extra string) []string {
		t.Helper()
		q := "/api/machineactions?" + extra
		if filter != "" {
			q += "&$filter=" + urlq(filter)
		}
		status, _, b := h.do("GET", q, nil)
		if status != 200 {
			t.Fatalf("%s: %d %s", filter, status, b)
		}
		var out []string
		for _, v := range obj(t, b)["value"].([]any) {
			out = append(out, v.(map[string]any)["id"].(string))
		}
		return out
	}
	busy := ids("machineId eq '"+DeviceBusyID+"'", "")
	cases := []struct {
		filter, extra string
		want          []string
	}{
		{"", "", []string{third, second, first, busy[0]}},
		{"requestor eq 'me@contoso.com'", "", []string{third, second, first}},
		{"status eq 'Succeeded'", "", []string{first}},
		{"status eq 'Failed' or status eq 'Pending'", "", []string{third, second}},
		{"id eq '" + second + "' or id eq '" + first + "'", "", []string{second, first}},
		{"type eq 'LiveResponse' and (status eq 'Pending' or status eq 'InProgress')", "", []string{third, busy[0]}},
		{"creationDateTimeUtc ge " + t0.Add(30*time.Second).Format(time.RFC3339), "", []string{third, second}},
		{"creationDateTimeUtc gt " + t0.Add(time.Minute).Format(time.RFC3339), "", []string{third}},
		{"requestor eq 'me@contoso.com'", "$top=1&$skip=1", []string{second}},
	}
	for _, c := range cases {
		got := ids(c.filter, c.extra)
		if !eqStrings(got, c.want) {
			t.Errorf("%q %s: got %v, want %v", c.filter, c.extra, got, c.want)
		}
	}
	for _, bad := range []string{"computerDnsName eq 'x'", "status eq", "status eq 'a' and"} {
		status, _, b := h.do("GET", "/api/machineactions?$filter="+urlq(bad), nil)
		if status != 400 || errCode(t, b) != "ODataError" {
			t.Errorf("%q: %d %s", bad, status, b)
		}
	}
	if status, _, b := h.do("GET", "/api/machineactions/2e9da30d-27f6-4208-81f2-9cd3d67893ba", nil); status != 404 || errCode(t, b) != "ResourceNotFound" {
		t.Errorf("unknown action: %d %s", status, b)
	}
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	h := newHarness(t, Options{})
	cases := []struct {
		method, path string
		status       int
	}{
		{"GET", "/api/nothing", 404},
		{"DELETE", "/api/machines", 405},
		{"GET", "/api/machines/" + DeviceAnalystID + "/runliveresponse", 405},
		{"GET", "/api/v1.0/machines/" + DeviceAnalystID, 200},
		{"GET", "/API/machines/" + DeviceAnalystID, 200},
		{"GET", "/elsewhere", 404},
	}
	for _, c := range cases {
		status, _, b := h.do(c.method, c.path, nil)
		if status != c.status {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, status, c.status)
		}
		if status >= 400 {
			errCode(t, b)
		}
	}
}
