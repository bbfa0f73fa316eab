package api

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

func TestGetMachineActionDecodesStates(t *testing.T) {
	ten := newTenant(t)
	ten.handle("GET /api/machineactions/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "f-1" {
			writeJSON(w, 200, failedActionJSON)
			return
		}
		writeJSON(w, 200, cancelledActionJSON)
	})
	c := ten.client(t, newFakeClock())
	a, err := c.GetMachineAction(t.Context(), "2e9da30d-27f6-4208-81f2-9cd3d67893ba")
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != StatusCancelled || !IsTerminalStatus(a.Status) || a.CancellationComment != "Wrong host selected" ||
		a.CancellationDateTimeUTC == nil || a.CancellationDateTimeUTC.Minute() != 2 ||
		!a.LastUpdateDateTimeUTC.Equal(time.Date(2025, 11, 3, 9, 2, 30, 0, time.UTC)) {
		t.Fatalf("cancelled action = %+v", a)
	}
	if len(a.Commands) != 1 || a.Commands[0].StartTime != nil || a.Commands[0].Command.Param(ParamScriptName) != "collect-triage.ps1" {
		t.Fatalf("commands = %+v", a.Commands)
	}
	f, err := c.GetMachineAction(t.Context(), "f-1")
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != StatusFailed || f.ErrorHResult != -2147024894 || f.TroubleshootInfo != "see logs" ||
		f.Commands[1].CommandStatus != CommandStatusFailed || f.Commands[1].Errors[0] != "Script execution timed out" ||
		f.Commands[1].EndTime == nil || f.Commands[2].StartTime != nil || f.Commands[2].Command.Param(ParamPath) != `C:\Windows\Temp\triage.zip` {
		t.Fatalf("failed action = %+v", f)
	}
}

func TestListMachineActionsSendsFilter(t *testing.T) {
	ten := newTenant(t)
	var filter string
	ten.handle("GET /api/machineactions", func(w http.ResponseWriter, r *http.Request) {
		filter = r.URL.Query().Get("$filter")
		writeJSON(w, 200, `{"value":[`+cancelledActionJSON+`,`+failedActionJSON+`]}`)
	})
	c := ten.client(t, newFakeClock())
	f := And(Eq("machineId", "O'Brien-PC"), Or(Eq("status", "Pending"), Eq("status", "InProgress")))
	as, err := c.ListMachineActions(t.Context(), ListOptions{Filter: f, Top: 20})
	if err != nil {
		t.Fatal(err)
	}
	if filter != "machineId eq 'O''Brien-PC' and (status eq 'Pending' or status eq 'InProgress')" {
		t.Fatalf("filter = %q", filter)
	}
	if len(as) != 2 || as[1].ID != "f-1" {
		t.Fatalf("actions = %d", len(as))
	}
}

func TestCancelMachineActionBody(t *testing.T) {
	ten := newTenant(t)
	ten.handle("POST /api/machineactions/{id}/cancel", func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body["Comment"] != "Wrong host selected" || len(body) != 1 {
			t.Errorf("body = %v err=%v", body, err)
		}
		if r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("content type %q", r.Header.Get("Content-Type"))
		}
		if r.PathValue("id") == "done" {
			writeJSON(w, 400, `{"error":{"code":"BadRequest","message":"Action cannot be cancelled"}}`)
			return
		}
		writeJSON(w, 200, cancelledActionJSON)
	})
	c := ten.client(t, newFakeClock())
	a, err := c.CancelMachineAction(t.Context(), "2e9da30d", "Wrong host selected")
	if err != nil || a.Status != StatusCancelled {
		t.Fatalf("a=%+v err=%v", a, err)
	}
	_, err = c.CancelMachineAction(t.Context(), "done", "Wrong host selected")
	if e := asAPIError(err); e == nil || e.StatusCode != 400 || e.Message != "Action cannot be cancelled" {
		t.Fatalf("err = %v", err)
	}
}
