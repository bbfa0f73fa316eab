package mdesim

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// restart builds a second harness on the same state file and clock, as a
// restarted console process would.
func (h *harness) restart(opts Options) *harness {
	h.t.Helper()
	opts.Now = h.clock.Now
	h2 := newHarness(h.t, opts)
	h2.clock = h.clock
	if err := h2.sim.LoadError(); err != nil {
		h.t.Fatalf("LoadError after restart: %v", err)
	}
	return h2
}

// busyActionID returns the id of the busy device's pre-existing action.
func (h *harness) busyActionID() string {
	h.t.Helper()
	status, _, b := h.do("GET", "/api/machineactions?$filter="+urlq("machineId eq '"+DeviceBusyID+"'"), nil)
	if status != http.StatusOK {
		h.t.Fatalf("list busy actions: %d %s", status, b)
	}
	list, _ := obj(h.t, b)["value"].([]any)
	if len(list) != 1 {
		h.t.Fatalf("busy device has %d actions, want 1", len(list))
	}
	return list[0].(map[string]any)["id"].(string)
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestStateFileActionSurvivesRestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	path := filepath.Join(dir, "tenant.json")
	h1 := newHarness(t, Options{StateFile: path, Seed: 3})
	if err := h1.sim.LoadError(); err != nil {
		t.Fatalf("missing state file: LoadError %v", err)
	}
	busy := h1.busyActionID()
	cmds := [][]string{
		{"RunScript", "ScriptName", ScriptProcessList},
		{"GetFile", "Path", `C:\Windows\Temp\out.log`},
	}
	id := h1.submit(DeviceAnalyst, cmds...)
	before := h1.getAction(id)

	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("state file: %v, mode %v, want 0600", err, fi.Mode())
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("state dir: %v, mode %v, want 0700", err, fi.Mode())
	}

	// The process dies mid-action; a new one starts two minutes later.
	h1.clock.Advance(10 * time.Second)
	if st := h1.getAction(id)["status"]; st != statusInProgress {
		t.Fatalf("before restart: %v, want InProgress", st)
	}
	h1.clock.Advance(2 * time.Minute)
	h2 := h1.restart(Options{StateFile: path, Seed: 3})

	after := h2.getAction(id)
	if after["id"] != id || after["status"] != statusSucceeded {
		t.Fatalf("after restart: id %v status %v, want %s Succeeded", after["id"], after["status"], id)
	}
	for _, k := range []string{"creationDateTimeUtc", "requestor", "requestorComment", "machineId", "computerDnsName"} {
		if after[k] != before[k] {
			t.Errorf("%s: %v after restart, %v before", k, after[k], before[k])
		}
	}
	if got := statuses(after); !eqStrings(got, []string{cmdCompleted, cmdCompleted}) {
		t.Errorf("commands %v", got)
	}
	if n := h2.sim.LiveResponseActionCount(); n != 1 {
		t.Errorf("LiveResponseActionCount %d, want 1", n)
	}
	if n := h2.sim.ActionsFor(DeviceAnalyst); n != 1 {
		t.Errorf("ActionsFor %d, want 1", n)
	}
	if got := h2.busyActionID(); got != busy {
		t.Errorf("busy action id %s after restart, want %s", got, busy)
	}

	// Results are downloadable from the new process, and match the old one's.
	status, link, b := h2.link(id, 0)
	if status != http.StatusOK {
		t.Fatalf("link: %d %s", status, b)
	}
	status, script := h2.fetchBlob(link, "")
	_, oldLink, _ := h1.link(id, 0)
	_, oldScript := h1.fetchBlob(oldLink, "")
	if status != http.StatusOK || !bytes.Equal(script, oldScript) || !bytes.Contains(script, []byte(ScriptProcessList)) {
		t.Errorf("script result %d %.200s", status, script)
	}
	status, fileLink, _ := h2.link(id, 1)
	status2, gz := h2.fetchBlob(fileLink, "")
	if status != http.StatusOK || status2 != http.StatusOK || !bytes.Equal(gunzip(t, gz), FileContent(`C:\Windows\Temp\out.log`)) {
		t.Errorf("GetFile result: %d %d", status, status2)
	}

	// A link minted before a restart still works after it.
	h3 := h2.restart(Options{StateFile: path, Seed: 3})
	status, b = h3.fetchBlob(strings.Replace(fileLink, h2.url, h3.url, 1), "")
	if status != http.StatusOK || !bytes.Equal(gunzip(t, b), FileContent(`C:\Windows\Temp\out.log`)) {
		t.Errorf("pre-restart link after restart: %d", status)
	}

	// Ids continue the sequence: no reuse, same as a tenant that never restarted.
	id2 := h3.submit(DeviceDC, cmds[1])
	ref := newHarness(t, Options{Seed: 3})
	if refID := ref.submit(DeviceAnalyst, cmds...); refID != id {
		t.Fatalf("reference tenant id %s, want %s", refID, id)
	}
	if refID2 := ref.submit(DeviceDC, cmds[1]); id2 != refID2 || id2 == id || id2 == busy {
		t.Errorf("id after restarts %s, reference %s (first %s, busy %s)", id2, refID2, id, busy)
	}
	if ref.busyActionID() != busy {
		t.Errorf("busy action id is not deterministic for a seed")
	}

	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("state dir holds %v, want only the state file", names)
	}
}

func TestStateFileCancelSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tenant.json")
	h1 := newHarness(t, Options{StateFile: path})
	id := h1.submit(DeviceLinux, []string{"RunScript", "ScriptName", ScriptNetstat}, []string{"GetFile", "Path", "/var/log/syslog"})
	h1.clock.Advance(5 * time.Second)
	if status, _, b := h1.do("POST", "/api/machineactions/"+id+"/cancel", map[string]any{"Comment": "wrong host"}); status != http.StatusOK {
		t.Fatalf("cancel: %d %s", status, b)
	}
	busy := h1.busyActionID()
	if status, _, b := h1.do("POST", "/api/machineactions/"+busy+"/cancel", map[string]any{"Comment": "taking over"}); status != http.StatusOK {
		t.Fatalf("cancel busy: %d %s", status, b)
	}
	before := h1.getAction(id)

	h1.clock.Advance(time.Hour)
	h2 := h1.restart(Options{StateFile: path})
	after := h2.getAction(id)
	if after["status"] != statusCancelled || after["cancellationComment"] != "wrong host" {
		t.Fatalf("after restart: %v %v", after["status"], after["cancellationComment"])
	}
	for _, k := range []string{"cancellationRequestor", "cancellationDateTimeUtc", "lastUpdateDateTimeUtc"} {
		if after[k] == nil || after[k] != before[k] {
			t.Errorf("%s: %v after restart, %v before", k, after[k], before[k])
		}
	}
	if b := h2.getAction(busy); b["status"] != statusCancelled || b["cancellationComment"] != "taking over" {
		t.Errorf("busy action after restart: %v %v", b["status"], b["cancellationComment"])
	}
	// The device is free again in the restarted tenant.
	h2.submit(DeviceBusy, []string{"GetFile", "Path", `C:\a.txt`})
}

func TestStateFileLibrarySurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tenant.json")
	h1 := newHarness(t, Options{StateFile: path})
	content := []byte("Write-Output 'persisted'\n")
	status, b := h1.upload("persist-me.ps1", content, map[string]string{
		"Description": "survives restarts", "HasParameters": "true", "ParametersDescription": "-X <n>",
	})
	if status != http.StatusOK {
		t.Fatalf("upload: %d %s", status, b)
	}
	if status, _, b := h1.do("DELETE", "/api/libraryfiles/"+ScriptBroken, nil); status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", status, b)
	}
	before := h1.libraryNames()

	h1.clock.Advance(time.Minute)
	h2 := h1.restart(Options{StateFile: path})
	after := h2.libraryNames()
	if after[ScriptBroken] != nil {
		t.Errorf("deleted %s is back after restart", ScriptBroken)
	}
	if len(after) != len(before) {
		t.Errorf("%d library files after restart, %d before", len(after), len(before))
	}
	for name, f := range before {
		for k, v := range f {
			if after[name][k] != v {
				t.Errorf("%s.%s: %v after restart, %v before", name, k, after[name][k], v)
			}
		}
	}
	h2.sim.mu.Lock()
	got := h2.sim.library["persist-me.ps1"].content
	h2.sim.mu.Unlock()
	if !bytes.Equal(got, content) {
		t.Errorf("content after restart %q", got)
	}
	h2.submit(DeviceAnalyst, []string{"RunScript", "ScriptName", "persist-me.ps1", "Args", "-X 1"})
}

func TestStateFileUnusable(t *testing.T) {
	valid := filepath.Join(t.TempDir(), "valid.json")
	hv := newHarness(t, Options{StateFile: valid})
	hv.submit(DeviceAnalyst, []string{"GetFile", "Path", `C:\a.txt`})
	good, err := os.ReadFile(valid)
	if err != nil {
		t.Fatal(err)
	}
	fresh := newHarness(t, Options{})
	freshBusy := fresh.busyActionID()

	cases := map[string][]byte{
		"garbage":      []byte("\x00\x01 not json at all"),
		"truncated":    good[:len(good)/2],
		"empty":        {},
		"wrong seed":   bytes.Replace(good, []byte(`"seed":0`), []byte(`"seed":42`), 1),
		"wrong format": bytes.Replace(good, []byte(`"version":2`), []byte(`"version":99`), 1),
		"old format":   bytes.Replace(good, []byte(`"version":2`), []byte(`"version":1`), 1),
		"bad scale":    bytes.Replace(good, []byte(`"scale":1`), []byte(`"scale":0`), 1),
		"bad action":   bytes.Replace(good, []byte(`"type":"GetFile"`), []byte(`"type":"Reboot"`), 1),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			if bytes.Equal(data, good) {
				t.Fatal("case did not alter the file")
			}
			path := filepath.Join(t.TempDir(), "tenant.json")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			h := newHarness(t, Options{StateFile: path})
			if h.sim.LoadError() == nil {
				t.Fatal("LoadError is nil for an unusable file")
			}
			kept, err := os.ReadFile(path + ".corrupt")
			if err != nil || !bytes.Equal(kept, data) {
				t.Errorf("unusable file not kept as .corrupt: %v", err)
			}
			if n := h.sim.LiveResponseActionCount(); n != 0 {
				t.Errorf("%d actions in a fresh tenant", n)
			}
			if h.libraryNames()[ScriptBroken] == nil {
				t.Errorf("fresh tenant lacks the default library")
			}
			if got := h.busyActionID(); got != freshBusy {
				t.Errorf("busy action id %s, want %s", got, freshBusy)
			}
			// The fresh tenant persists and reloads cleanly.
			id := h.submit(DeviceAnalyst, []string{"GetFile", "Path", `C:\a.txt`})
			h2 := h.restart(Options{StateFile: path})
			h2.getAction(id)
		})
	}
}

func TestStateFileScaledActionContinues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tenant.json")
	h1 := newHarness(t, Options{StateFile: path, TimeScale: 10})
	submitted := h1.clock.Now()
	id := h1.submit(DeviceAnalyst, []string{"RunScript", "ScriptName", ScriptProcessList})
	before := h1.getAction(id)
	end := submitted.Add(h1.sim.Scaled(PickupDelay) + h1.sim.Scaled(RunScriptDuration))

	// The process dies mid-script; a new one starts a second later on the
	// same clock, first at the same TimeScale, then at another one.
	h1.clock.Set(end.Add(-time.Second))
	for _, scale := range []float64{10, 1} {
		h2 := h1.restart(Options{StateFile: path, TimeScale: scale})
		a := h2.getAction(id)
		if a["status"] != statusInProgress || a["creationDateTimeUtc"] != before["creationDateTimeUtc"] ||
			a["creationDateTimeUtc"] != submitted.UTC().Format(timeLayout) {
			t.Errorf("restart at %vx: %v created %v, want InProgress created %s", scale, a["status"], a["creationDateTimeUtc"],
				submitted.UTC().Format(timeLayout))
		}
	}
	h1.clock.Set(end)
	h3 := h1.restart(Options{StateFile: path, TimeScale: 1})
	a := h3.getAction(id)
	if a["status"] != statusSucceeded || commandsOf(a)[0]["endTime"] != end.UTC().Format(timeLayout) {
		t.Errorf("after restart at 1x: %v ending %v, want Succeeded at %s (the action keeps its own TimeScale)",
			a["status"], commandsOf(a)[0]["endTime"], end.UTC().Format(timeLayout))
	}
	data, err := os.ReadFile(path)
	if err != nil || bytes.Contains(data, []byte("clockSim")) || !bytes.Contains(data, []byte(`"scale":10`)) {
		t.Errorf("state file: %v, keeps a sim clock or lacks the action's scale: %.300s", err, data)
	}
}

func TestStateFileSaveError(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{StateFile: filepath.Join(blocker, "tenant.json")})
	if h.sim.SaveError() == nil {
		t.Error("SaveError is nil although the directory cannot be created")
	}
	h.submit(DeviceAnalyst, []string{"GetFile", "Path", `C:\a.txt`}) // still served
	if h2 := newHarness(t, Options{}); h2.sim.SaveError() != nil || h2.sim.LoadError() != nil {
		t.Error("errors without a state file")
	}
}

func TestStateFileConcurrentChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tenant.json")
	opts := Options{StateFile: path, MaxConcurrent: 1000, SubmitPerMinute: 1000, CallsPerMinute: 100000, CallsPerHour: 100000}
	h := newHarness(t, opts)
	const n = 24
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := h.sim.fleet.byIndex(len(wellKnown) + i)
			status, _, b := h.do("POST", "/api/machines/"+m.id+"/runliveresponse",
				lrBody("c", []string{"GetFile", "Path", fmt.Sprintf("/tmp/%d", i)}))
			if status != http.StatusCreated {
				t.Errorf("submit %d: %d %s", i, status, b)
				return
			}
			ids[i] = obj(t, b)["id"].(string)
			if i%3 == 0 {
				h.do("POST", "/api/machineactions/"+ids[i]+"/cancel", map[string]any{"Comment": "stop"})
			}
			if i%4 == 0 {
				h.upload(fmt.Sprintf("tool-%d.sh", i), []byte{byte(i)}, nil)
			}
			h.do("GET", "/api/machineactions", nil)
		}()
	}
	wg.Wait()
	if err := h.sim.SaveError(); err != nil {
		t.Fatal(err)
	}
	h2 := h.restart(opts)
	lib := h2.libraryNames()
	for i, id := range ids {
		a := h2.getAction(id)
		if cancelled := a["status"] == statusCancelled; cancelled != (i%3 == 0) {
			t.Errorf("action %d: status %v", i, a["status"])
		}
		if i%4 == 0 && lib[fmt.Sprintf("tool-%d.sh", i)] == nil {
			t.Errorf("upload %d lost", i)
		}
	}
	if got := h2.sim.LiveResponseActionCount(); got != n {
		t.Errorf("LiveResponseActionCount %d, want %d", got, n)
	}
}
