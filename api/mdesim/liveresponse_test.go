package mdesim

import (
	"net/http"
	"strings"
	"testing"
)

func TestRunLiveResponseValidation(t *testing.T) {
	h := newHarness(t, Options{SubmitPerMinute: 1000, CallsPerMinute: 1000})
	put := []string{"PutFile", "FileName", ToolWinpmem}
	run := []string{"RunScript", "ScriptName", ScriptTriage, "Args", `-OutPath C:\t.zip`}
	get := []string{"GetFile", "Path", `C:\Windows\Temp\x.log`}
	cases := []struct {
		name    string
		device  string
		body    any
		status  int
		code    string
		message string
	}{
		{"miscased Commands", DeviceAnalyst, `{"commands":[],"Comment":"x"}`, 400, "InvalidRequestBody", "commands"},
		{"miscased type", DeviceAnalyst, `{"Commands":[{"Type":"GetFile","params":[]}],"Comment":"x"}`, 400, "InvalidRequestBody", "Type"},
		{"miscased key", DeviceAnalyst, `{"Commands":[{"type":"GetFile","params":[{"Key":"Path","value":"C:\\a"}]}],"Comment":"x"}`, 400, "InvalidRequestBody", "Key"},
		{"unknown property", DeviceAnalyst, `{"Commands":[],"Comment":"x","Extra":1}`, 400, "InvalidRequestBody", "Extra"},
		{"missing Comment", DeviceAnalyst, `{"Commands":[{"type":"GetFile","params":[{"key":"Path","value":"C:\\a"}]}]}`, 400, "MissingRequiredParameter", "Comment"},
		{"empty Comment", DeviceAnalyst, lrBody("  ", get), 400, "MissingRequiredParameter", "Comment"},
		{"no commands", DeviceAnalyst, lrBody("x"), 400, "MissingRequiredParameter", "Commands"},
		{"not JSON", DeviceAnalyst, `{"Commands":`, 400, "InvalidRequestBody", ""},
		{"unknown type", DeviceAnalyst, lrBody("x", []string{"RunCommand", "ScriptName", "a"}), 400, "InvalidInput", "RunCommand"},
		{"wrong param key", DeviceAnalyst, lrBody("x", []string{"GetFile", "FilePath", "C:\\a"}), 400, "InvalidInput", "FilePath"},
		{"missing required param", DeviceAnalyst, lrBody("x", []string{"RunScript", "Args", "-x"}), 400, "MissingRequiredParameter", "ScriptName"},
		{"order GetFile then RunScript", DeviceAnalyst, lrBody("x", get, run), 400, "InvalidInput", "PutFile, then RunScript, then GetFile"},
		{"order RunScript then PutFile", DeviceAnalyst, lrBody("x", run, put), 400, "InvalidInput", "order"},
		{"forbidden semicolon", DeviceAnalyst, lrBody("x", []string{"RunScript", "ScriptName", ScriptTriage, "Args", "-OutPath a; rm"}), 400, "InvalidInput", forbiddenArgsMessage},
		{"forbidden dollar", DeviceAnalyst, lrBody("x", []string{"RunScript", "ScriptName", ScriptTriage, "Args", "$env:TEMP"}), 400, "InvalidInput", forbiddenArgsMessage},
		{"unknown library file", DeviceAnalyst, lrBody("x", []string{"RunScript", "ScriptName", "nope.ps1"}), 400, "InvalidInput", "nope.ps1"},
		{"unknown PutFile file", DeviceAnalyst, lrBody("x", []string{"PutFile", "FileName", "ghost.exe"}), 400, "InvalidInput", "ghost.exe"},
		{"unknown machine", "0000000000000000000000000000000000000000", lrBody("x", get), 404, "ResourceNotFound", ""},
		{"busy device", DeviceBusyID, lrBody("x", get), 400, "ActiveRequestAlreadyExists", "Action is already in progress"},
		{"ok repeated types", DeviceDC, lrBody("x", put, put, run, run, get, get), 201, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, _, b := h.do("POST", "/api/machines/"+c.device+"/runliveresponse", c.body)
			if status != c.status {
				t.Fatalf("status %d, want %d: %s", status, c.status, b)
			}
			if c.status == 201 {
				return
			}
			if code := errCode(t, b); code != c.code {
				t.Errorf("code %s, want %s", code, c.code)
			}
			if !strings.Contains(errMessage(t, b), c.message) {
				t.Errorf("message %q lacks %q", errMessage(t, b), c.message)
			}
		})
	}
	if n := h.sim.LiveResponseActionCount(); n != 1 {
		t.Errorf("%d actions created, want 1 (only the valid request)", n)
	}
}

func TestSubmitCreatesPendingActionWithRawFieldNames(t *testing.T) {
	h := newHarness(t, Options{Requestor: "analyst@contoso.com"})
	status, _, b := h.do("POST", "/api/machines/"+DeviceAnalyst+"/runliveresponse",
		lrBody("IR-1234 triage", []string{"PutFile", "FileName", ToolWinpmem},
			[]string{"RunScript", "ScriptName", ScriptTriage, "Args", `-OutPath C:\Windows\Temp\triage.zip`},
			[]string{"GetFile", "Path", `C:\Windows\Temp\triage.zip`}))
	if status != http.StatusCreated {
		t.Fatalf("status %d: %s", status, b)
	}
	a := obj(t, b)
	want := map[string]any{
		"type": "LiveResponse", "status": "Pending", "requestor": "analyst@contoso.com",
		"requestorComment": "IR-1234 triage", "machineId": DeviceAnalystID, "computerDnsName": DeviceAnalyst,
		"cancellationRequestor": nil, "errorHResult": float64(0),
	}
	for k, v := range want {
		if got, ok := a[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	for _, k := range []string{"@odata.context", "id", "creationDateTimeUtc", "lastUpdateDateTimeUtc", "cancellationDateTimeUtc", "title", "scope", "externalId", "requestSource", "troubleshootInfo"} {
		if _, ok := a[k]; !ok {
			t.Errorf("missing field %q", k)
		}
	}
	if _, bad := a["lastUpdateTimeUtc"]; bad {
		t.Errorf("uses the docs' wrong field name lastUpdateTimeUtc")
	}
	cmds := commandsOf(a)
	if len(cmds) != 3 {
		t.Fatalf("%d commands, want 3", len(cmds))
	}
	for i, c := range cmds {
		if c["index"] != float64(i) || c["commandStatus"] != "Created" || c["startTime"] != nil || c["endTime"] != nil {
			t.Errorf("command %d: %v", i, c)
		}
		if errs, ok := c["errors"].([]any); !ok || len(errs) != 0 {
			t.Errorf("command %d errors should be []: %v", i, c["errors"])
		}
	}
	inner := cmds[1]["command"].(map[string]any)
	params := inner["params"].([]any)
	if inner["type"] != "RunScript" || params[1].(map[string]any)["key"] != "Args" {
		t.Errorf("echoed command %v", inner)
	}
	if h.sim.ActionsFor(DeviceAnalystID) != 1 || h.sim.ActionsFor(DeviceAnalyst) != 1 || h.sim.ActionsFor(DeviceDCID) != 0 {
		t.Errorf("ActionsFor counts wrong")
	}
}

func TestEveryNthCreateHasEmptyCommands(t *testing.T) {
	h := newHarness(t, Options{Devices: 100, SubmitPerMinute: 1000, CallsPerMinute: 1000})
	empty := 0
	for i := 0; i < 2*emptyCommandsEvery; i++ {
		_, p, _ := h.listMachines("$top=1&$skip=" + itoa(10+i))
		dev := p.Value[0]["id"].(string)
		status, _, b := h.do("POST", "/api/machines/"+dev+"/runliveresponse", lrBody("x", []string{"GetFile", "Path", `C:\a.txt`}, []string{"GetFile", "Path", "/a"}))
		if status != 201 {
			t.Fatalf("status %d %s", status, b)
		}
		a := obj(t, b)
		if len(commandsOf(a)) == 0 {
			empty++
			if got := commandsOf(h.getAction(a["id"].(string))); len(got) != 2 {
				t.Errorf("GET after empty 201 has %d commands, want 2", len(got))
			}
		}
	}
	if empty != 2 {
		t.Errorf("%d empty-commands responses in %d submits, want 2", empty, 2*emptyCommandsEvery)
	}
}
