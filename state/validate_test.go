package state

import (
	"reflect"
	"strings"
	"testing"

	"mdlr/api"
)

var winDev = Device{ID: "m1", Name: "ws1", OSPlatform: "Windows11"}
var linDev = Device{ID: "m2", Name: "lx1", OSPlatform: "Linux"}

func validPlan() Plan {
	return Plan{Device: winDev, Comment: "IR-1", Commands: []PlanCommand{put("tool.exe"), script("run.ps1"), get(`C:\Windows\Temp\out.zip`)}}
}

func TestValidateAcceptsGoodPlans(t *testing.T) {
	lib := []api.LibraryFile{{FileName: "tool.exe"}, {FileName: "run.ps1"}}
	if probs := validPlan().Validate(lib); len(probs) != 0 {
		t.Fatalf("unexpected problems: %v", probs)
	}
	unc := Plan{Device: winDev, Comment: "c", Commands: []PlanCommand{get(`\\server\share\f.txt`)}}
	if probs := unc.Validate(nil); len(probs) != 0 {
		t.Fatalf("UNC path: %v", probs)
	}
	lin := Plan{Device: linDev, Comment: "c", Commands: []PlanCommand{get("/var/log/auth.log")}}
	if probs := lin.Validate(nil); len(probs) != 0 {
		t.Fatalf("linux path: %v", probs)
	}
}

func TestValidateProblems(t *testing.T) {
	lib := []api.LibraryFile{{FileName: "tool.exe"}, {FileName: "Run.ps1"}}
	tests := []struct {
		name  string
		edit  func(*Plan)
		lib   []api.LibraryFile
		index int
		field string
		want  string // substring of the message
	}{
		{"no comment", func(p *Plan) { p.Comment = "  " }, nil, -1, "comment", "comment is required"},
		{"long comment", func(p *Plan) { p.Comment = strings.Repeat("x", MaxCommentLen+1) }, nil, -1, "comment", "too long"},
		{"no device", func(p *Plan) { p.Device.ID = "" }, nil, -1, "device", "Choose a device"},
		{"no commands", func(p *Plan) { p.Commands = nil }, nil, -1, "commands", "at least one command"},
		{"order", func(p *Plan) { p.Commands = []PlanCommand{script("a"), get(`C:\x`), put("b")} }, nil, 2, "order", "PutFile → RunScript → GetFile"},
		{"forbidden args", func(p *Plan) { p.Commands[1].Args = "-a x; rm & (y)" }, nil, 1, "args", `";", "&", "(" or ")"`},
		{"forbidden args service text", func(p *Plan) { p.Commands[1].Args = "$x" }, nil, 1, "args", "; & | ! $ ( )"},
		{"args control chars", func(p *Plan) { p.Commands[1].Args = "a\nb" }, nil, 1, "args", "control characters"},
		{"empty put name", func(p *Plan) { p.Commands[0].Name = "" }, nil, 0, "name", "PutFile needs a library file name"},
		{"empty script name", func(p *Plan) { p.Commands[1].Name = " " }, nil, 1, "name", "RunScript needs a script name"},
		{"name with folder", func(p *Plan) { p.Commands[0].Name = `..\tool.exe` }, nil, 0, "name", "folder separator"},
		{"missing library file", func(p *Plan) { p.Commands[0].Name = "nope.exe" }, lib, 0, "name", `No library file named "nope.exe"`},
		{"library case hint", func(p *Plan) {}, lib, 1, "name", `did you mean "Run.ps1"`},
		{"empty path", func(p *Plan) { p.Commands[2].Path = "" }, nil, 2, "path", "full path"},
		{"relative windows path", func(p *Plan) { p.Commands[2].Path = `Temp\out.zip` }, nil, 2, "path", `like C:\Windows\Temp`},
		{"unix path on windows", func(p *Plan) { p.Commands[2].Path = "/tmp/x" }, nil, 2, "path", "absolute for Windows"},
		{"windows path on linux", func(p *Plan) { p.Device = linDev }, nil, 2, "path", "starting with /"},
		{"folder path", func(p *Plan) { p.Commands[2].Path = `C:\Windows\` }, nil, 2, "path", "not a folder"},
		{"bare UNC", func(p *Plan) { p.Commands[2].Path = `\\server` }, nil, 2, "path", "absolute for Windows"},
		{"unknown type", func(p *Plan) { p.Commands[2].Type = "Exec" }, nil, 2, "commands", `Unknown command type "Exec"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validPlan()
			p.Commands = append([]PlanCommand(nil), p.Commands...)
			tt.edit(&p)
			probs := p.Validate(tt.lib)
			for _, pr := range probs {
				if pr.Index == tt.index && pr.Field == tt.field && strings.Contains(pr.Message, tt.want) {
					return
				}
			}
			t.Fatalf("no problem at %d/%s containing %q; got %+v", tt.index, tt.field, tt.want, probs)
		})
	}
}

func TestValidateNilLibrarySkipsExistenceCheck(t *testing.T) {
	p := validPlan()
	p.Commands[0].Name = "not-in-any-library.exe"
	if probs := p.Validate(nil); len(probs) != 0 {
		t.Fatalf("nil library should skip the check: %v", probs)
	}
	if probs := p.Validate([]api.LibraryFile{}); len(probs) == 0 {
		t.Fatal("empty library should report missing files")
	}
}

func TestForbiddenArgChars(t *testing.T) {
	if got := ForbiddenArgChars("-a b -c:d"); got != nil {
		t.Fatalf("clean args flagged: %q", got)
	}
	if got := ForbiddenArgChars("a|b|c!$"); !reflect.DeepEqual(got, []rune{'|', '!', '$'}) {
		t.Fatalf("got %q", got)
	}
}

func TestIsWindows(t *testing.T) {
	for os, want := range map[string]bool{"Windows11": true, "WindowsServer2022": true, "windows10": true, "Linux": false, "macOS": false, "": false} {
		if IsWindows(os) != want {
			t.Errorf("IsWindows(%q) != %v", os, want)
		}
	}
}
