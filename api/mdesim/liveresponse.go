package mdesim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// forbiddenArgsMessage is the service's text for forbidden Args characters.
const forbiddenArgsMessage = "Please avoid using the following characters as part of scripts' parameters: ; & | ! $ ( )"

// emptyCommandsEvery makes every n-th 201 response carry an empty commands
// array, the documented quirk.
const emptyCommandsEvery = 7

// requestError is a 4xx the handler should send.
type requestError struct {
	status int
	code   string
	msg    string
}

func badRequest(code, format string, args ...any) *requestError {
	return &requestError{http.StatusBadRequest, code, fmt.Sprintf(format, args...)}
}

// decodeStrictObject decodes raw as a JSON object whose keys are all in
// allowed (case-sensitive).
func decodeStrictObject(raw json.RawMessage, what string, allowed ...string) (map[string]json.RawMessage, *requestError) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, badRequest(codeInvalidBody, "%s must be a JSON object", what)
	}
	for k := range obj {
		ok := false
		for _, a := range allowed {
			if k == a {
				ok = true
			}
		}
		if !ok {
			return nil, badRequest(codeInvalidBody, "Unknown property '%s' in %s (property names are case-sensitive; expected %s)",
				k, what, strings.Join(allowed, ", "))
		}
	}
	return obj, nil
}

func decodeString(raw json.RawMessage, what string) (string, *requestError) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", badRequest(codeInvalidBody, "%s must be a string", what)
	}
	return s, nil
}

var commandOrder = map[string]int{typePutFile: 0, typeRunScript: 1, typeGetFile: 2}

var commandParams = map[string]struct{ required, optional string }{
	typePutFile:   {keyFileName, ""},
	typeRunScript: {keyScriptName, keyArgs},
	typeGetFile:   {keyPath, ""},
}

// parseLiveResponseBody validates a runliveresponse body strictly.
func parseLiveResponseBody(body []byte) ([]commandSpec, string, *requestError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, "", badRequest(codeInvalidBody, "Request body is empty")
	}
	top, rerr := decodeStrictObject(body, "request body", "Commands", "Comment")
	if rerr != nil {
		return nil, "", rerr
	}
	rawComment, ok := top["Comment"]
	if !ok {
		return nil, "", badRequest(codeMissingParameter, "Missing required parameter 'Comment'")
	}
	comment, rerr := decodeString(rawComment, "Comment")
	if rerr != nil {
		return nil, "", rerr
	}
	if strings.TrimSpace(comment) == "" {
		return nil, "", badRequest(codeMissingParameter, "Missing required parameter 'Comment'")
	}
	rawCmds, ok := top["Commands"]
	if !ok {
		return nil, "", badRequest(codeMissingParameter, "Missing required parameter 'Commands'")
	}
	var cmdList []json.RawMessage
	if err := json.Unmarshal(rawCmds, &cmdList); err != nil {
		return nil, "", badRequest(codeInvalidBody, "Commands must be an array")
	}
	if len(cmdList) == 0 {
		return nil, "", badRequest(codeMissingParameter, "Commands must contain at least one command")
	}
	cmds := make([]commandSpec, 0, len(cmdList))
	lastRank, lastType := -1, ""
	for i, raw := range cmdList {
		c, rerr := parseCommand(raw, i)
		if rerr != nil {
			return nil, "", rerr
		}
		rank := commandOrder[c.typ]
		if rank < lastRank {
			return nil, "", badRequest(codeInvalidInput,
				"Invalid command order: command %d (%s) follows %s. Commands must be ordered PutFile, then RunScript, then GetFile", i, c.typ, lastType)
		}
		lastRank, lastType = rank, c.typ
		cmds = append(cmds, c)
	}
	return cmds, comment, nil
}

func parseCommand(raw json.RawMessage, i int) (commandSpec, *requestError) {
	what := fmt.Sprintf("command %d", i)
	obj, rerr := decodeStrictObject(raw, what, "type", "params")
	if rerr != nil {
		return commandSpec{}, rerr
	}
	rawType, ok := obj["type"]
	if !ok {
		return commandSpec{}, badRequest(codeMissingParameter, "Missing required parameter 'type' in %s", what)
	}
	typ, rerr := decodeString(rawType, what+" type")
	if rerr != nil {
		return commandSpec{}, rerr
	}
	spec, known := commandParams[typ]
	if !known {
		return commandSpec{}, badRequest(codeInvalidInput, "Unsupported command type '%s' in %s (expected PutFile, RunScript or GetFile)", typ, what)
	}
	var rawParams []json.RawMessage
	if p, ok := obj["params"]; ok {
		if err := json.Unmarshal(p, &rawParams); err != nil {
			return commandSpec{}, badRequest(codeInvalidBody, "params of %s must be an array", what)
		}
	}
	c := commandSpec{typ: typ}
	for j, rp := range rawParams {
		pobj, rerr := decodeStrictObject(rp, fmt.Sprintf("parameter %d of %s", j, what), "key", "value")
		if rerr != nil {
			return commandSpec{}, rerr
		}
		rk, okK := pobj["key"]
		rv, okV := pobj["value"]
		if !okK || !okV {
			return commandSpec{}, badRequest(codeMissingParameter, "Parameter %d of %s needs both 'key' and 'value'", j, what)
		}
		k, rerr := decodeString(rk, "key")
		if rerr != nil {
			return commandSpec{}, rerr
		}
		v, rerr := decodeString(rv, "value")
		if rerr != nil {
			return commandSpec{}, rerr
		}
		if k != spec.required && (spec.optional == "" || k != spec.optional) {
			return commandSpec{}, badRequest(codeInvalidInput, "Unknown parameter '%s' for %s in %s", k, typ, what)
		}
		if c.param(k) != "" {
			return commandSpec{}, badRequest(codeInvalidInput, "Duplicate parameter '%s' in %s", k, what)
		}
		c.params = append(c.params, paramKV{k, v})
	}
	if strings.TrimSpace(c.param(spec.required)) == "" {
		return commandSpec{}, badRequest(codeMissingParameter, "Missing required parameter '%s' for %s in %s", spec.required, typ, what)
	}
	if strings.ContainsAny(c.param(keyArgs), ";&|!$()") {
		return commandSpec{}, badRequest(codeInvalidInput, "%s", forbiddenArgsMessage)
	}
	return c, nil
}

// handleRunLiveResponse implements POST machines/{id}/runliveresponse.
func (s *Sim) handleRunLiveResponse(w http.ResponseWriter, r *http.Request, key string) {
	now := s.opts.Now()
	s.mu.Lock()
	wait := s.submits.admit(now, s.opts.SubmitPerMinute, 0)
	s.mu.Unlock()
	if wait > 0 {
		writeRetryAfter(w, wait, "Rate limit of runliveresponse is exceeded. Try again later.")
		return
	}
	m := s.fleet.lookup(key)
	if m == nil {
		writeError(w, http.StatusNotFound, codeNotFound, "Machine "+key+" was not found")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, codeInvalidBody, "Request body could not be read: "+err.Error())
		return
	}
	cmds, comment, rerr := parseLiveResponseBody(body)
	if rerr != nil {
		writeError(w, rerr.status, rerr.code, rerr.msg)
		return
	}
	s.mu.Lock()
	a, rerr := s.createActionLocked(m, cmds, comment)
	if rerr == nil {
		a.requestor = s.requestorOf(tokenFrom(r))
	}
	var view actionJSON
	if rerr == nil {
		view = s.actionViewLocked(a)
		if s.created%emptyCommandsEvery == 0 {
			view.Commands = []commandJSON{}
		}
	}
	s.mu.Unlock()
	if rerr != nil {
		if rerr.status == http.StatusTooManyRequests {
			writeRetryAfter(w, 30*time.Second, rerr.msg)
			return
		}
		writeError(w, rerr.status, rerr.code, rerr.msg)
		return
	}
	s.persist()
	view.Context = odataBase + "#MachineActions/$entity"
	writeJSON(w, http.StatusCreated, view)
}

// createActionLocked checks library names, the one-action-per-device rule
// and the concurrency cap, then records a new action. s.mu must be held.
func (s *Sim) createActionLocked(m *machine, cmds []commandSpec, comment string) (*action, *requestError) {
	for i, c := range cmds {
		name := c.param(keyFileName)
		if c.typ == typeRunScript {
			name = c.param(keyScriptName)
		}
		if c.typ != typeGetFile && s.library[name] == nil {
			return nil, badRequest(codeInvalidInput, "Library file '%s' (command %d) was not found in the live response library", name, i)
		}
	}
	now := s.now()
	active := 0
	for _, a := range s.actions {
		if isTerminal(a.at(now, s.opts.QueueWindow).status) {
			continue
		}
		if a.machineID == m.id {
			return nil, badRequest(codeActiveRequest, "Action is already in progress")
		}
		active++
	}
	if active >= s.opts.MaxConcurrent {
		return nil, &requestError{http.StatusTooManyRequests, codeTooManyRequests,
			fmt.Sprintf("The maximum of %d concurrent live response sessions has been reached. Try again later.", s.opts.MaxConcurrent)}
	}
	a := &action{
		id: s.newID(), machineID: m.id, machineName: m.name, machineOS: m.os,
		requestor: s.opts.Requestor, comment: comment, created: now, scale: s.opts.TimeScale, offline: m.offline(),
	}
	for _, c := range cmds {
		a.commands = append(a.commands, planCommand(c, m))
	}
	s.actions = append(s.actions, a)
	s.actionByID[a.id] = a
	s.perMachine[m.id]++
	s.created++
	return a, nil
}
