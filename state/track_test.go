package state

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"mdlr/api"
)

// refCommands are the three commands of the reference samples (§6.4–6.7).
const refCommands = `
 {"index":0,%s,"command":{"type":"PutFile","params":[{"key":"FileName","value":"winpmem.exe"}]}},
 {"index":1,%s,"command":{"type":"RunScript","params":[{"key":"ScriptName","value":"collect-triage.ps1"},{"key":"Args","value":"-OutPath C:\\Windows\\Temp\\triage.zip"}]}},
 {"index":2,%s,"command":{"type":"GetFile","params":[{"key":"Path","value":"C:\\Windows\\Temp\\triage.zip"}]}}`

const (
	created   = `"startTime":null,"endTime":null,"commandStatus":"Created","errors":[]`
	running   = `"startTime":"2025-11-03T09:01:13Z","endTime":null,"commandStatus":"Created","errors":[]`
	completed = `"startTime":"2025-11-03T09:01:10Z","endTime":"2025-11-03T09:01:12Z","commandStatus":"Completed","errors":[]`
	failed    = `"startTime":"2025-11-03T09:01:13Z","endTime":"2025-11-03T09:11:13Z","commandStatus":"Failed","errors":["Script execution timed out"]`
)

func sample(t *testing.T, status string, cmds ...string) api.MachineAction {
	t.Helper()
	body := `{"id":"2e9da30d-27f6-4208-81f2-9cd3d67893ba","type":"LiveResponse","requestor":"analyst@contoso.com",
	"requestorComment":"IR-1234 triage","status":"` + status + `","machineId":"7b1f","computerDnsName":"fin-ws-0142",
	"creationDateTimeUtc":"2025-11-03T09:00:01Z","lastUpdateDateTimeUtc":"2025-11-03T09:01:47Z",
	"cancellationRequestor":"analyst@contoso.com","cancellationComment":"Wrong host selected","commands":[`
	switch len(cmds) {
	case 3:
		body += sprintf(refCommands, cmds[0], cmds[1], cmds[2])
	case 1:
		body += `{"index":0,` + cmds[0] + `,"command":{"type":"GetFile","params":[{"key":"Path","value":"/var/log/auth.log"}]}}`
	}
	body += "]}"
	var a api.MachineAction
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("sample: %v\n%s", err, body)
	}
	if status != api.StatusCancelled {
		a.CancellationRequestor, a.CancellationComment = "", ""
	}
	return a
}

func states(v ActionView) []CommandState {
	out := make([]CommandState, len(v.Commands))
	for i, c := range v.Commands {
		out[i] = c.State
	}
	return out
}

func TestViewReferenceShapes(t *testing.T) {
	now := time.Date(2025, 11, 3, 9, 5, 0, 0, time.UTC)
	tests := []struct {
		name    string
		a       api.MachineAction
		states  []CommandState
		explain string
	}{
		{"6.4 pending", sample(t, "Pending", created, created, created),
			[]CommandState{CmdWaiting, CmdWaiting, CmdWaiting}, "Queued: waiting for the device to pick it up"},
		{"6.5 in progress", sample(t, "InProgress", completed, running, created),
			[]CommandState{CmdCompleted, CmdRunning, CmdWaiting}, ""},
		{"undocumented command status is running", sample(t, "InProgress", completed, `"startTime":null,"endTime":null,"commandStatus":"Running","errors":[]`, created),
			[]CommandState{CmdCompleted, CmdRunning, CmdWaiting}, ""},
		{"6.6 succeeded", sample(t, "Succeeded", completed, completed, completed),
			[]CommandState{CmdCompleted, CmdCompleted, CmdCompleted}, ""},
		{"6.7 failed", sample(t, "Failed", completed, failed, created),
			[]CommandState{CmdCompleted, CmdFailed, CmdNotRun},
			"Failed: command 2 (RunScript collect-triage.ps1 -OutPath C:\\Windows\\Temp\\triage.zip): Script execution timed out; later commands were not run"},
		{"6.8 timeout", sample(t, "TimeOut", created),
			[]CommandState{CmdNotRun}, "Timed out: the device did not run it within the queue window"},
		{"6.9 cancelled", sample(t, "Cancelled", created, created, created),
			[]CommandState{CmdNotRun, CmdNotRun, CmdNotRun}, "Cancelled by analyst@contoso.com: Wrong host selected"},
		{"cancelled while a command ran", sample(t, "Cancelled", completed, running, created),
			[]CommandState{CmdCompleted, CmdStopped, CmdNotRun}, "Cancelled by analyst@contoso.com: Wrong host selected"},
		{"timed out while a command ran", sample(t, "TimeOut", completed, running, created),
			[]CommandState{CmdCompleted, CmdStopped, CmdNotRun}, "Timed out: the device did not run it within the queue window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := View(tt.a, now)
			if got := states(v); !reflect.DeepEqual(got, tt.states) {
				t.Errorf("states = %v, want %v", got, tt.states)
			}
			if v.Explain != tt.explain {
				t.Errorf("explain = %q, want %q", v.Explain, tt.explain)
			}
			if v.ActionID != tt.a.ID || v.Status != tt.a.Status || v.DeviceName != "fin-ws-0142" || v.Done {
				t.Errorf("header fields wrong: %+v", v)
			}
		})
	}
}

func TestViewTargetsAndErrors(t *testing.T) {
	v := View(sample(t, "Failed", completed, failed, created), time.Time{})
	targets := []string{"winpmem.exe", `collect-triage.ps1 -OutPath C:\Windows\Temp\triage.zip`, `C:\Windows\Temp\triage.zip`}
	for i, want := range targets {
		if v.Commands[i].Target != want {
			t.Errorf("target %d = %q, want %q", i, v.Commands[i].Target, want)
		}
	}
	if !reflect.DeepEqual(v.Commands[1].Errors, []string{"Script execution timed out"}) {
		t.Errorf("errors = %v", v.Commands[1].Errors)
	}
}

func TestViewForOfflineDevice(t *testing.T) {
	a := sample(t, "Pending", created, created, created)
	now := a.CreationDateTimeUTC.Add(time.Minute)
	v := ViewFor(a, Device{ID: "7b1f", HealthStatus: "Inactive"}, now, 2*time.Hour)
	if want := "Device is offline; the action stays queued for up to 2h0m and then times out"; v.Explain != want {
		t.Errorf("explain = %q, want %q", v.Explain, want)
	}
	v = ViewFor(a, Device{ID: "7b1f", HealthStatus: "Active"}, now, 2*time.Hour)
	if v.Explain != "Queued: waiting for the device to pick it up" {
		t.Errorf("active device explain = %q", v.Explain)
	}
	v = ViewFor(a, Device{ID: "7b1f", HealthStatus: "Active"}, a.CreationDateTimeUTC.Add(3*time.Hour), 2*time.Hour)
	if v.Explain != "Queued longer than the queue window; it should time out soon" {
		t.Errorf("overdue explain = %q", v.Explain)
	}
}

func TestViewCleansUntrustedText(t *testing.T) {
	a := sample(t, "Cancelled", created, created, created)
	a.CancellationComment = "oops\x1b[31mred\x00"
	v := View(a, time.Time{})
	if v.Explain != "Cancelled by analyst@contoso.com: oops [31mred" {
		t.Errorf("explain = %q", v.Explain)
	}
}
