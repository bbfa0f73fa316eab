package state

import (
	"encoding/json"
	"strings"
	"testing"

	"mdlr/api"
)

func TestRequestBody(t *testing.T) {
	p := Plan{Comment: "IR-1", Commands: []PlanCommand{
		put("tool.exe"),
		{Type: api.CommandRunScript, Name: "a.ps1"},
		{Type: api.CommandRunScript, Name: "b.ps1", Args: "-Out x"},
		get(`C:\Windows\Temp\x.zip`),
	}}
	b, err := json.Marshal(p.Request())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Commands":[` +
		`{"type":"PutFile","params":[{"key":"FileName","value":"tool.exe"}]},` +
		`{"type":"RunScript","params":[{"key":"ScriptName","value":"a.ps1"}]},` +
		`{"type":"RunScript","params":[{"key":"ScriptName","value":"b.ps1"},{"key":"Args","value":"-Out x"}]},` +
		`{"type":"GetFile","params":[{"key":"Path","value":"C:\\Windows\\Temp\\x.zip"}]}],` +
		`"Comment":"IR-1"}`
	if string(b) != want {
		t.Fatalf("body\n got %s\nwant %s", b, want)
	}
}

func TestRequestJSONEscapesBackslashes(t *testing.T) {
	p := Plan{Comment: "c", Commands: []PlanCommand{get(`C:\Windows\Temp\x.zip`), get(`\\srv\share\a`)}}
	b, err := p.RequestJSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"C:\\Windows\\Temp\\x.zip"`, `"\\\\srv\\share\\a"`, "\n  "} {
		if !strings.Contains(string(b), want) {
			t.Errorf("preview lacks %s:\n%s", want, b)
		}
	}
	var back api.RunLiveResponseRequest
	if err := json.Unmarshal(b, &back); err != nil || back.Commands[0].Param(api.ParamPath) != `C:\Windows\Temp\x.zip` {
		t.Fatalf("round trip: %v %v", back, err)
	}
}

func TestParseScriptFlag(t *testing.T) {
	tests := []struct{ in, name, args string }{
		{"collect.ps1", "collect.ps1", ""},
		{"collect.ps1 -Days 3 -Out C:\\x", "collect.ps1", "-Days 3 -Out C:\\x"},
		{"  s.sh   a b ", "s.sh", "a b"},
		{"", "", ""},
	}
	for _, tt := range tests {
		got := ParseScriptFlag(tt.in)
		if got.Type != api.CommandRunScript || got.Name != tt.name || got.Args != tt.args {
			t.Errorf("ParseScriptFlag(%q) = %+v, want name %q args %q", tt.in, got, tt.name, tt.args)
		}
	}
}
