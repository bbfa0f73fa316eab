package state

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"mdlr/api"
)

func FuzzValidate(f *testing.F) {
	f.Add("IR-1", "Windows11", "PutFile", "tool.exe", "", "")
	f.Add("c", "Linux", "GetFile", "", "", "/var/log/syslog")
	f.Add("", "", "RunScript", "s.ps1", "-a;b&c|d!e$f(g)", `C:\x`)
	f.Add("x", "WindowsServer2022", "GetFile", "", "", `\\srv\share`)
	f.Add("\x00", "macOS", "Bogus", "../x", "\n", "C:")
	f.Fuzz(func(t *testing.T, comment, osPlatform, typ, name, args, path string) {
		p := Plan{Device: Device{ID: "m", OSPlatform: osPlatform}, Comment: comment,
			Commands: []PlanCommand{{Type: typ, Name: name, Args: args, Path: path}, {Type: api.CommandGetFile, Path: path}}}
		lib := []api.LibraryFile{{FileName: name}, {FileName: strings.ToUpper(name)}}
		a, b := p.Validate(lib), p.Validate(lib)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("non-deterministic: %v vs %v", a, b)
		}
		for _, pr := range a {
			if pr.Message == "" || pr.Field == "" || pr.Index < -1 || pr.Index >= len(p.Commands) {
				t.Fatalf("bad problem %+v", pr)
			}
		}
		if strings.ContainsAny(args, forbiddenArgs) != (len(ForbiddenArgChars(args)) > 0) {
			t.Fatalf("ForbiddenArgChars(%q) disagrees", args)
		}
		if _, err := p.Ordered().RequestJSON(); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzParseScriptFlag(f *testing.F) {
	f.Add("collect.ps1 -Days 3")
	f.Add("s.sh")
	f.Add("  ")
	f.Add("a\tb c")
	f.Fuzz(func(t *testing.T, s string) {
		c := ParseScriptFlag(s)
		if c.Type != api.CommandRunScript || strings.Contains(c.Name, " ") {
			t.Fatalf("ParseScriptFlag(%q) = %+v", s, c)
		}
		if c.Name != "" && !strings.Contains(s, c.Name) || c.Args != "" && !strings.Contains(s, c.Args) {
			t.Fatalf("ParseScriptFlag(%q) invented text: %+v", s, c)
		}
		if c.Name == "" && c.Args != "" {
			t.Fatalf("args without name: %+v", c)
		}
	})
}

func FuzzDecodeEntry(f *testing.F) {
	good, _ := json.Marshal(Entry{IntentID: "0123456789abcdef", Phase: PhaseSubmitted, ActionID: "a-1",
		Plan:    Plan{Comment: "c", Commands: []PlanCommand{{Type: api.CommandRunScript, Name: "s"}}},
		Results: []ResultRecord{{Index: 0, ResultFile: "results/a-1-0.json"}}})
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte(`{"IntentID":"0123456789abcdef","Phase":"done","Results":[{"ResultFile":"../../etc/passwd"}]}`))
	f.Add([]byte(`null`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := DecodeEntry(data)
		if err != nil {
			return
		}
		if !validIntentID(e.IntentID) || !e.Phase.valid() {
			t.Fatalf("accepted invalid entry %+v", e)
		}
		for _, r := range e.Results {
			if r.ResultFile != "" && (strings.Contains(r.ResultFile, "..") || !strings.HasPrefix(r.ResultFile, "results/")) {
				t.Fatalf("accepted unsafe result file %q", r.ResultFile)
			}
		}
	})
}

func FuzzSafeLocalName(f *testing.F) {
	for _, s := range []string{`..\..\x`, `C:\Windows\System32\con`, `\\srv\share\a`, "/a/b\x00c", "COM1.txt", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := SafeLocalName(s)
		if n == "" || n == "." || n == ".." || strings.ContainsAny(n, `/\:`) || len(n) > MaxLocalNameLen || hasControl(n) {
			t.Fatalf("SafeLocalName(%q) = %q", s, n)
		}
		if SafeLocalName(n) != n {
			t.Fatalf("not idempotent: %q -> %q", n, SafeLocalName(n))
		}
	})
}
