package state

import (
	"reflect"
	"testing"

	"mdlr/api"
)

func put(n string) PlanCommand    { return PlanCommand{Type: api.CommandPutFile, Name: n} }
func script(n string) PlanCommand { return PlanCommand{Type: api.CommandRunScript, Name: n} }
func get(p string) PlanCommand    { return PlanCommand{Type: api.CommandGetFile, Path: p} }

func TestOrderedGroupsByTypeKeepingRelativeOrder(t *testing.T) {
	p := Plan{Commands: []PlanCommand{get(`C:\a`), script("s1"), put("p1"), get(`C:\b`), script("s2"), put("p2")}}
	got := p.Ordered().Commands
	want := []PlanCommand{put("p1"), put("p2"), script("s1"), script("s2"), get(`C:\a`), get(`C:\b`)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Ordered = %v, want %v", got, want)
	}
	if p.Commands[0].Type != api.CommandGetFile {
		t.Fatal("Ordered modified the receiver")
	}
}

func TestAddInsertsInOrder(t *testing.T) {
	var p Plan
	p.Add(get(`C:\x`))
	p.Add(script("s"))
	p.Add(put("f"))
	p.Add(script("t"))
	want := []PlanCommand{put("f"), script("s"), script("t"), get(`C:\x`)}
	if !reflect.DeepEqual(p.Commands, want) {
		t.Fatalf("got %v, want %v", p.Commands, want)
	}
}

func TestRemove(t *testing.T) {
	p := Plan{Commands: []PlanCommand{put("a"), script("b"), get(`C:\c`)}}
	orig := p.Commands
	p.Remove(1)
	if !reflect.DeepEqual(p.Commands, []PlanCommand{put("a"), get(`C:\c`)}) {
		t.Fatalf("got %v", p.Commands)
	}
	if orig[1].Name != "b" {
		t.Fatal("Remove mutated the old slice")
	}
	p.Remove(-1)
	p.Remove(5)
	if len(p.Commands) != 2 {
		t.Fatal("out-of-range Remove changed the plan")
	}
}

func TestMove(t *testing.T) {
	tests := []struct {
		name     string
		cmds     []PlanCommand
		i, delta int
		ok       bool
		want     []PlanCommand
	}{
		{"swap same type", []PlanCommand{script("a"), script("b")}, 0, 1, true, []PlanCommand{script("b"), script("a")}},
		{"get before script refused", []PlanCommand{script("a"), get(`C:\x`)}, 1, -1, false, nil},
		{"put after script refused", []PlanCommand{put("p"), script("a")}, 0, 1, false, nil},
		{"out of range", []PlanCommand{script("a")}, 0, 1, false, nil},
		{"zero delta", []PlanCommand{script("a"), script("b")}, 0, 0, false, nil},
		{"fixing a broken plan is allowed", []PlanCommand{get(`C:\x`), script("a")}, 1, -1, true, []PlanCommand{script("a"), get(`C:\x`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Plan{Commands: append([]PlanCommand(nil), tt.cmds...)}
			ok := p.Move(tt.i, tt.delta)
			if ok != tt.ok {
				t.Fatalf("Move = %v, want %v", ok, tt.ok)
			}
			want := tt.want
			if !tt.ok {
				want = tt.cmds
			}
			if !reflect.DeepEqual(p.Commands, want) {
				t.Fatalf("commands = %v, want %v", p.Commands, want)
			}
		})
	}
}
