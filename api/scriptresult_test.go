package api

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseScriptResult(t *testing.T) {
	res, err := ParseScriptResult([]byte("\xef\xbb\xbf" + scriptResultJSON))
	if err != nil {
		t.Fatal(err)
	}
	if res.ScriptName != "collect-triage.ps1" || strings.ContainsRune(res.ScriptOutput, 0) || !strings.Contains(res.ScriptOutput, "Collected 412 files") {
		t.Fatalf("res = %+v", res)
	}
	res, err = ParseScriptResult([]byte(`{"script_name":"x.sh","exit_code":-1073741819,"script_output":"","script_errors":"boom\u0000"}`))
	if err != nil || res.ExitCode != -1073741819 || res.ScriptErrors != "boom" {
		t.Fatalf("res=%+v err=%v", res, err)
	}
	for _, bad := range []string{"", "null", "[]", `{"a":1}`, `{"exit_code":"x"}`, `{"exit_code":1.5}`, `{"script_name":`, "<html>"} {
		if _, err := ParseScriptResult([]byte(bad)); err == nil {
			t.Errorf("ParseScriptResult(%q) accepted", bad)
		}
	}
}

func FuzzParseScriptResult(f *testing.F) {
	f.Add([]byte(scriptResultJSON))
	f.Add([]byte(`{"script_name":"a","exit_code":1,"script_output":"\u0000","script_errors":"e"}`))
	f.Add([]byte(`{"exit_code":99999999999999999999}`))
	f.Add([]byte("\xef\xbb\xbf{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseScriptResult(data)
		if err != nil {
			return
		}
		for _, s := range []string{res.ScriptName, res.ScriptOutput, res.ScriptErrors} {
			if strings.ContainsRune(s, 0) {
				t.Fatalf("NUL survived in %q", s)
			}
		}
		// Re-encoding a parsed result parses to the same result.
		again, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		res2, err := ParseScriptResult(again)
		if err != nil || res2 != res {
			t.Fatalf("round trip: %+v vs %+v (%v)", res, res2, err)
		}
	})
}
