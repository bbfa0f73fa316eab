package statetest

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	"mdlr/api"
)

func TestFakeProgression(t *testing.T) {
	clock := NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	f := New(clock.Now)
	req := api.RunLiveResponseRequest{Comment: "c", Commands: []api.Command{
		{Type: api.CommandRunScript, Params: []api.Param{{Key: api.ParamScriptName, Value: "s.ps1"}}},
		{Type: api.CommandGetFile, Params: []api.Param{{Key: api.ParamPath, Value: `C:\x`}}},
	}}
	a, err := f.SubmitLiveResponse(context.Background(), "m1", req, clock.Now())
	if err != nil || a.Status != api.StatusPending || len(a.Commands) != 2 || a.Commands[0].CommandStatus != api.CommandStatusCreated {
		t.Fatalf("submit: %+v %v", a, err)
	}
	if _, err := f.SubmitLiveResponse(context.Background(), "m1", req, clock.Now()); !api.IsActiveRequestExists(err) {
		t.Fatalf("second submit on a busy device: %v", err)
	}
	if _, err := f.FetchScriptResult(context.Background(), a.ID, 0); err == nil {
		t.Fatal("result available before completion")
	}
	wantStatus := []string{api.StatusInProgress, api.StatusInProgress, api.StatusSucceeded}
	for i, want := range wantStatus {
		if err := f.Step(a.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := f.Action(a.ID)
		if got.Status != want {
			t.Fatalf("step %d: status %s, want %s", i, got.Status, want)
		}
	}
	got, _ := f.Action(a.ID)
	if got.Commands[1].CommandStatus != api.CommandStatusCompleted || got.Commands[1].StartTime == nil {
		t.Fatalf("commands %+v", got.Commands)
	}
	list, _ := f.ListMachineActions(context.Background(), api.ListOptions{Filter: api.Or(api.Eq("id", a.ID), api.Eq("id", "nope"))})
	if len(list) != 1 || list[0].ID != a.ID {
		t.Fatalf("list %+v", list)
	}
	dest := filepath.Join(t.TempDir(), "x")
	if _, err := f.SaveFileResult(context.Background(), a.ID, 1, dest); err != nil {
		t.Fatal(err)
	}
	if _, err := f.SaveFileResult(context.Background(), a.ID, 1, dest); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("overwrite allowed: %v", err)
	}
}

func TestFakeFailAndBudget(t *testing.T) {
	clock := NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	f := New(clock.Now)
	req := api.RunLiveResponseRequest{Comment: "c", Commands: []api.Command{{Type: api.CommandPutFile}, {Type: api.CommandRunScript}, {Type: api.CommandGetFile}}}
	a, _ := f.SubmitLiveResponse(context.Background(), "m1", req, clock.Now())
	if err := f.Fail(a.ID, 1, "boom"); err != nil {
		t.Fatal(err)
	}
	got, _ := f.Action(a.ID)
	if got.Status != api.StatusFailed || got.Commands[0].CommandStatus != api.CommandStatusCompleted ||
		got.Commands[1].Errors[0] != "boom" || got.Commands[2].CommandStatus != api.CommandStatusCreated {
		t.Fatalf("after Fail: %+v", got)
	}
	if b := f.Budget(); b.MinuteRemaining != 99 || b.HourRemaining != 1499 {
		t.Fatalf("budget %+v", b)
	}
	clock.Advance(time.Minute)
	if b := f.Budget(); b.MinuteRemaining != 100 || b.HourRemaining != 1499 {
		t.Fatalf("budget after a minute %+v", b)
	}
}
