package mdesim

import (
	"net/http"
	"testing"
	"time"
)

func statuses(a map[string]any) []string {
	var out []string
	for _, c := range commandsOf(a) {
		out = append(out, c["commandStatus"].(string))
	}
	return out
}

func eqStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLifecycleSuccess(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.submit(DeviceAnalyst, []string{"PutFile", "FileName", ToolWinpmem},
		[]string{"RunScript", "ScriptName", ScriptProcessList},
		[]string{"GetFile", "Path", `C:\Windows\Temp\out.log`})
	created := h.clock.Now()
	steps := []struct {
		at     time.Duration
		status string
		cmds   []string
	}{
		{0, "Pending", []string{"Created", "Created", "Created"}},
		{PickupDelay + time.Second, "InProgress", []string{"InProgress", "Created", "Created"}},
		{PickupDelay + PutFileDuration + CommandGap + time.Second, "InProgress", []string{"Completed", "InProgress", "Created"}},
		{PickupDelay + PutFileDuration + RunScriptDuration + 2*CommandGap + time.Second, "InProgress", []string{"Completed", "Completed", "InProgress"}},
		{PickupDelay + PutFileDuration + RunScriptDuration + GetFileDuration + 2*CommandGap, "Succeeded", []string{"Completed", "Completed", "Completed"}},
	}
	for _, s := range steps {
		h.clock.Set(created.Add(s.at))
		a := h.getAction(id)
		if a["status"] != s.status || !eqStrings(statuses(a), s.cmds) {
			t.Errorf("at +%v: %v %v, want %s %v", s.at, a["status"], statuses(a), s.status, s.cmds)
		}
	}
	a := h.getAction(id)
	cmds := commandsOf(a)
	end := created.Add(steps[len(steps)-1].at).UTC().Format(timeLayout)
	if cmds[2]["endTime"] != end || a["lastUpdateDateTimeUtc"] != end {
		t.Errorf("final endTime %v / lastUpdate %v, want %s", cmds[2]["endTime"], a["lastUpdateDateTimeUtc"], end)
	}
	if cmds[0]["startTime"] != created.Add(PickupDelay).UTC().Format(timeLayout) {
		t.Errorf("first startTime %v", cmds[0]["startTime"])
	}
}

func TestLifecycleFailures(t *testing.T) {
	cases := []struct {
		name    string
		device  string
		cmds    [][]string
		wantCmd []string
		errText string
	}{
		{"broken script stops the rest", DeviceAnalyst, [][]string{
			{"RunScript", "ScriptName", ScriptBroken}, {"GetFile", "Path", `C:\a.log`}},
			[]string{"Failed", "Created"}, "Cannot find path"},
		{"missing file", DeviceDC, [][]string{{"GetFile", "Path", `C:\missing\a.log`}}, []string{"Failed"}, "File not found"},
		{"windows path on linux", DeviceLinux, [][]string{{"GetFile", "Path", `C:\Windows\a.log`}}, []string{"Failed"}, "Invalid path"},
		{"unix path on windows", DeviceAnalyst, [][]string{{"GetFile", "Path", "/etc/passwd"}}, []string{"Failed"}, "Invalid path"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			id := h.submit(c.device, c.cmds...)
			h.advance(time.Hour)
			a := h.getAction(id)
			if a["status"] != "Failed" || !eqStrings(statuses(a), c.wantCmd) {
				t.Fatalf("%v %v, want Failed %v", a["status"], statuses(a), c.wantCmd)
			}
			var failed map[string]any
			for _, cm := range commandsOf(a) {
				if cm["commandStatus"] == "Failed" {
					failed = cm
				} else if cm["startTime"] != nil || cm["endTime"] != nil {
					t.Errorf("skipped command has times: %v", cm)
				}
			}
			errs := failed["errors"].([]any)
			if len(errs) != 1 || !contains(errs[0].(string), c.errText) {
				t.Errorf("errors %v lack %q", errs, c.errText)
			}
		})
	}
}

func contains(s, sub string) bool { return len(sub) == 0 || indexOf(s, sub) >= 0 }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestOfflineDeviceTimesOut(t *testing.T) {
	h := newHarness(t, Options{QueueWindow: 2 * time.Hour})
	id := h.submit(DeviceOffline, []string{"GetFile", "Path", `C:\a.log`})
	h.advance(2*time.Hour - time.Second)
	if a := h.getAction(id); a["status"] != "Pending" {
		t.Fatalf("before window: %v", a["status"])
	}
	status, _, b := h.do("POST", "/api/machines/"+DeviceOffline+"/runliveresponse", lrBody("again", []string{"GetFile", "Path", `C:\b.log`}))
	if status != 400 || errCode(t, b) != "ActiveRequestAlreadyExists" {
		t.Errorf("pending offline action should block the device: %d %s", status, b)
	}
	h.clock.Advance(time.Second)
	a := h.getAction(id)
	if a["status"] != "TimeOut" || !eqStrings(statuses(a), []string{"Created"}) {
		t.Fatalf("after window: %v %v", a["status"], statuses(a))
	}
	if a["lastUpdateDateTimeUtc"] != h.clock.Now().UTC().Format(timeLayout) {
		t.Errorf("lastUpdate %v", a["lastUpdateDateTimeUtc"])
	}
}

func TestCancel(t *testing.T) {
	h := newHarness(t, Options{Requestor: "me@contoso.com"})
	id := h.submit(DeviceAnalyst, []string{"RunScript", "ScriptName", ScriptSlow})
	h.clock.Advance(PickupDelay + time.Minute)
	status, _, b := h.do("POST", "/api/machineactions/"+id+"/cancel", map[string]any{})
	if status != 400 || errCode(t, b) != "MissingRequiredParameter" {
		t.Errorf("cancel without Comment: %d %s", status, b)
	}
	status, _, b = h.do("POST", "/api/machineactions/"+id+"/cancel", map[string]any{"comment": "x"})
	if status != 400 || errCode(t, b) != "InvalidRequestBody" {
		t.Errorf("cancel with miscased comment: %d %s", status, b)
	}
	status, _, b = h.do("POST", "/api/machineactions/"+id+"/cancel", map[string]any{"Comment": "Wrong host"})
	if status != http.StatusOK {
		t.Fatalf("cancel: %d %s", status, b)
	}
	a := obj(t, b)
	if a["status"] != "Cancelled" || a["cancellationRequestor"] != "me@contoso.com" || a["cancellationComment"] != "Wrong host" ||
		a["cancellationDateTimeUtc"] != h.clock.Now().UTC().Format(timeLayout) {
		t.Errorf("cancelled action %v", a)
	}
	h.advance(time.Hour)
	if a := h.getAction(id); a["status"] != "Cancelled" || !eqStrings(statuses(a), []string{"Created"}) {
		t.Errorf("after cancel: %v %v", a["status"], statuses(a))
	}
	status, _, b = h.do("POST", "/api/machineactions/"+id+"/cancel", map[string]any{"Comment": "again"})
	if status != 400 {
		t.Errorf("second cancel: %d %s", status, b)
	}
	status, _, _ = h.do("POST", "/api/machineactions/2e9da30d-27f6-4208-81f2-9cd3d67893ba/cancel", map[string]any{"Comment": "x"})
	if status != 404 {
		t.Errorf("cancel unknown: %d", status)
	}
}

func TestBusyDeviceFreedByCancel(t *testing.T) {
	h := newHarness(t, Options{})
	status, _, b := h.do("GET", "/api/machineactions?$filter="+urlq("machineId eq '"+DeviceBusyID+"' and (status eq 'Pending' or status eq 'InProgress')"), nil)
	list := obj(t, b)["value"].([]any)
	if status != 200 || len(list) != 1 {
		t.Fatalf("busy device actions: %d %s", status, b)
	}
	busy := list[0].(map[string]any)
	if busy["requestor"] == DemoClientID || busy["type"] != "LiveResponse" {
		t.Errorf("busy action should be another requestor's LR action: %v", busy)
	}
	h.advance(24 * time.Hour)
	if a := h.getAction(busy["id"].(string)); a["status"] != "InProgress" {
		t.Fatalf("busy action finished on its own: %v", a["status"])
	}
	if status, _, _ := h.do("POST", "/api/machines/"+DeviceBusy+"/runliveresponse", lrBody("x", []string{"GetFile", "Path", `C:\a`})); status != 400 {
		t.Fatalf("busy device accepted an action: %d", status)
	}
	if status, _, b := h.do("POST", "/api/machineactions/"+busy["id"].(string)+"/cancel", map[string]any{"Comment": "unblock"}); status != 200 {
		t.Fatalf("cancel busy: %d %s", status, b)
	}
	h.submit(DeviceBusy, []string{"GetFile", "Path", `C:\a`})
}

func TestTimeScale(t *testing.T) {
	h := newHarness(t, Options{TimeScale: 10})
	if got := h.sim.Scaled(RunScriptDuration); got != 2*time.Second {
		t.Fatalf("Scaled(RunScriptDuration) at 10x = %v, want 2s", got)
	}
	submitted := h.clock.Now()
	id := h.submit(DeviceAnalyst, []string{"RunScript", "ScriptName", ScriptProcessList})
	a := h.getAction(id)
	if want := submitted.UTC().Format(timeLayout); a["creationDateTimeUtc"] != want || a["lastUpdateDateTimeUtc"] != want {
		t.Errorf("creation %v / lastUpdate %v, want the clock's now %s", a["creationDateTimeUtc"], a["lastUpdateDateTimeUtc"], want)
	}
	start := submitted.Add(h.sim.Scaled(PickupDelay))
	end := start.Add(h.sim.Scaled(RunScriptDuration))
	h.clock.Set(end.Add(-time.Nanosecond))
	if a := h.getAction(id); a["status"] != "InProgress" {
		t.Errorf("just before %v of clock time: %v, want InProgress", end.Sub(submitted), a["status"])
	}
	h.clock.Set(end)
	a = h.getAction(id)
	if a["status"] != "Succeeded" {
		t.Fatalf("after Scaled(PickupDelay)+Scaled(RunScriptDuration) = %v: %v, want Succeeded", end.Sub(submitted), a["status"])
	}
	c := commandsOf(a)[0]
	if c["startTime"] != start.UTC().Format(timeLayout) || c["endTime"] != end.UTC().Format(timeLayout) ||
		a["lastUpdateDateTimeUtc"] != end.UTC().Format(timeLayout) {
		t.Errorf("startTime %v endTime %v lastUpdate %v, want %s .. %s (%v apart)",
			c["startTime"], c["endTime"], a["lastUpdateDateTimeUtc"], start.Format(timeLayout), end.Format(timeLayout), end.Sub(start))
	}
	if a["creationDateTimeUtc"] != submitted.UTC().Format(timeLayout) {
		t.Errorf("creationDateTimeUtc moved: %v", a["creationDateTimeUtc"])
	}

	// Result links live LinkLifetime/10.
	status, link, b := h.link(id, 0)
	if status != 200 {
		t.Fatalf("link: %d %s", status, b)
	}
	h.clock.Advance(h.sim.Scaled(30*time.Minute) - time.Second)
	if status, _ := h.fetchBlob(link, ""); status != 200 {
		t.Errorf("link before Scaled(LinkLifetime): %d", status)
	}
	h.clock.Advance(time.Second)
	if status, _ := h.fetchBlob(link, ""); status != 403 {
		t.Errorf("link after Scaled(LinkLifetime): %d", status)
	}
}

func TestTimeScaleQueueWindowAndTimestamps(t *testing.T) {
	h := newHarness(t, Options{TimeScale: 10, QueueWindow: 2 * time.Hour})
	id := h.submit(DeviceOffline, []string{"GetFile", "Path", `C:\a.log`})
	created := h.clock.Now()
	h.advance(h.sim.Scaled(2*time.Hour) - time.Second)
	if a := h.getAction(id); a["status"] != "Pending" {
		t.Fatalf("before Scaled(QueueWindow): %v", a["status"])
	}
	h.clock.Advance(time.Second)
	a := h.getAction(id)
	if want := created.Add(12 * time.Minute).UTC().Format(timeLayout); a["status"] != "TimeOut" || a["lastUpdateDateTimeUtc"] != want {
		t.Errorf("after Scaled(QueueWindow): %v at %v, want TimeOut at %s", a["status"], a["lastUpdateDateTimeUtc"], want)
	}

	// No timestamp the tenant returns lies in the future of its clock.
	now := h.clock.Now().UTC().Format(timeLayout)
	status, _, b := h.do("GET", "/api/machineactions", nil)
	if status != 200 {
		t.Fatalf("list: %d %s", status, b)
	}
	for _, v := range obj(t, b)["value"].([]any) {
		for _, k := range []string{"creationDateTimeUtc", "lastUpdateDateTimeUtc"} {
			if ts, _ := v.(map[string]any)[k].(string); ts > now {
				t.Errorf("%s %s is after the clock's now %s", k, ts, now)
			}
		}
	}
	_, page, _ := h.listMachines("$top=50")
	for _, m := range page.Value {
		if ls, _ := m["lastSeen"].(string); ls == "" || ls[:19] > now[:19] {
			t.Errorf("lastSeen %q is after the clock's now %s", ls, now)
		}
	}
}
