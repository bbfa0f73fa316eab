package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ParseScriptResult decodes a RunScript result document
// ({"script_name","exit_code","script_output","script_errors"}), dropping
// NUL characters the agent pads the output with. The text is device output:
// untrusted, and may hold terminal escape sequences that callers must strip
// before display.
func ParseScriptResult(data []byte) (ScriptResult, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return ScriptResult{}, errors.New("api: script result is not a JSON object")
	}
	var raw struct {
		ScriptName   *string      `json:"script_name"`
		ExitCode     *json.Number `json:"exit_code"`
		ScriptOutput *string      `json:"script_output"`
		ScriptErrors *string      `json:"script_errors"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return ScriptResult{}, fmt.Errorf("api: script result is not valid JSON: %w", err)
	}
	if raw.ScriptName == nil && raw.ExitCode == nil && raw.ScriptOutput == nil && raw.ScriptErrors == nil {
		return ScriptResult{}, errors.New("api: script result has none of script_name, exit_code, script_output, script_errors")
	}
	var res ScriptResult
	if raw.ExitCode != nil {
		n, err := raw.ExitCode.Int64()
		if err != nil || int64(int(n)) != n {
			return ScriptResult{}, fmt.Errorf("api: script result exit_code %q is not an integer", sanitize(raw.ExitCode.String(), 40))
		}
		res.ExitCode = int(n)
	}
	res.ScriptName = stripNUL(raw.ScriptName)
	res.ScriptOutput = stripNUL(raw.ScriptOutput)
	res.ScriptErrors = stripNUL(raw.ScriptErrors)
	return res, nil
}

func stripNUL(s *string) string {
	if s == nil {
		return ""
	}
	return strings.ReplaceAll(*s, "\x00", "")
}
