package mdesim

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// actionJSON is the MachineAction entity (reference §3.1, §6.4–6.9).
type actionJSON struct {
	Context                 string          `json:"@odata.context,omitempty"`
	ID                      string          `json:"id"`
	Type                    string          `json:"type"`
	Title                   *string         `json:"title"`
	Scope                   *string         `json:"scope"`
	Requestor               string          `json:"requestor"`
	RequestorComment        string          `json:"requestorComment"`
	RequestSource           string          `json:"requestSource"`
	ExternalID              *string         `json:"externalId"`
	Status                  string          `json:"status"`
	MachineID               string          `json:"machineId"`
	ComputerDNSName         string          `json:"computerDnsName"`
	CreationDateTimeUtc     string          `json:"creationDateTimeUtc"`
	LastUpdateDateTimeUtc   string          `json:"lastUpdateDateTimeUtc"`
	CancellationRequestor   *string         `json:"cancellationRequestor"`
	CancellationComment     *string         `json:"cancellationComment"`
	CancellationDateTimeUtc *string         `json:"cancellationDateTimeUtc"`
	ErrorHResult            int             `json:"errorHResult"`
	TroubleshootInfo        *string         `json:"troubleshootInfo"`
	RelatedFileInfo         json.RawMessage `json:"relatedFileInfo"`
	Commands                []commandJSON   `json:"commands"`
}

type commandJSON struct {
	Index         int         `json:"index"`
	StartTime     *string     `json:"startTime"`
	EndTime       *string     `json:"endTime"`
	CommandStatus string      `json:"commandStatus"`
	Errors        []string    `json:"errors"`
	Command       commandBody `json:"command"`
}

type commandBody struct {
	Type   string    `json:"type"`
	Params []paramKV `json:"params"`
}

func optTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := formatTime(*t)
	return &s
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// actionViewLocked renders an action at the current time. s.mu must be held.
func (s *Sim) actionViewLocked(a *action) actionJSON {
	st := a.at(s.now(), s.opts.QueueWindow)
	j := actionJSON{
		ID: a.id, Type: "LiveResponse", Requestor: a.requestor, RequestorComment: a.comment,
		RequestSource: "PublicApi", Status: st.status, MachineID: a.machineID, ComputerDNSName: a.machineName,
		CreationDateTimeUtc: formatTime(a.created), LastUpdateDateTimeUtc: formatTime(st.lastUpdate),
		RelatedFileInfo: json.RawMessage("null"), Commands: make([]commandJSON, len(a.commands)),
	}
	if st.status == statusCancelled {
		j.CancellationRequestor = optString(a.cancelRequestor)
		j.CancellationComment = optString(a.cancelComment)
		j.CancellationDateTimeUtc = optTime(&a.cancelAt)
	}
	if st.status == statusTimeOut {
		j.TroubleshootInfo = optString("The device did not connect within the queue window")
	}
	for i, c := range a.commands {
		cs := st.commands[i]
		errs := cs.errors
		if errs == nil {
			errs = []string{}
		}
		params := c.params
		if params == nil {
			params = []paramKV{}
		}
		j.Commands[i] = commandJSON{
			Index: i, StartTime: optTime(cs.start), EndTime: optTime(cs.end), CommandStatus: cs.status,
			Errors: errs, Command: commandBody{Type: c.typ, Params: params},
		}
	}
	return j
}

var actionFilterFields = map[string]bool{
	"id": true, "status": true, "machineId": true, "type": true, "requestor": true, "creationDateTimeUtc": true,
}

// actionField returns the filterable value of property name for a view.
func actionField(j *actionJSON, created time.Time) fieldGetter {
	return func(name string) (any, bool) {
		switch name {
		case "id":
			return j.ID, true
		case "status":
			return j.Status, true
		case "machineId":
			return j.MachineID, true
		case "type":
			return j.Type, true
		case "requestor":
			return j.Requestor, true
		case "creationDateTimeUtc":
			return created, true
		}
		return nil, false
	}
}

// handleListActions lists machine actions, newest first.
func (s *Sim) handleListActions(w http.ResponseWriter, r *http.Request) {
	po, msg := parsePage(r, actionFilterFields)
	if msg != "" {
		writeError(w, http.StatusBadRequest, codeODataError, msg)
		return
	}
	out := []actionJSON{}
	s.mu.Lock()
	matched := 0
	for i := len(s.actions) - 1; i >= 0 && len(out) < po.top; i-- {
		a := s.actions[i]
		j := s.actionViewLocked(a)
		if po.filter != nil && !po.filter.eval(actionField(&j, a.created)) {
			continue
		}
		matched++
		if matched <= po.skip {
			continue
		}
		out = append(out, j)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, struct {
		Context string       `json:"@odata.context"`
		Value   []actionJSON `json:"value"`
	}{odataBase + "#MachineActions", out})
}

// handleGetAction returns one machine action.
func (s *Sim) handleGetAction(w http.ResponseWriter, id string) {
	s.mu.Lock()
	a := s.actionByID[strings.ToLower(id)]
	var j actionJSON
	if a != nil {
		j = s.actionViewLocked(a)
	}
	s.mu.Unlock()
	if a == nil {
		writeError(w, http.StatusNotFound, codeNotFound, "Machine action "+id+" was not found")
		return
	}
	j.Context = odataBase + "#MachineActions/$entity"
	writeJSON(w, http.StatusOK, j)
}

// handleCancel implements POST machineactions/{id}/cancel.
func (s *Sim) handleCancel(w http.ResponseWriter, r *http.Request, id string) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil {
		writeError(w, http.StatusBadRequest, codeInvalidBody, "Request body could not be read")
		return
	}
	obj, rerr := decodeStrictObject(body, "request body", "Comment")
	if rerr != nil {
		writeError(w, rerr.status, rerr.code, rerr.msg)
		return
	}
	comment := ""
	if raw, ok := obj["Comment"]; ok {
		if comment, rerr = decodeString(raw, "Comment"); rerr != nil {
			writeError(w, rerr.status, rerr.code, rerr.msg)
			return
		}
	}
	if strings.TrimSpace(comment) == "" {
		writeError(w, http.StatusBadRequest, codeMissingParameter, "Missing required parameter 'Comment'")
		return
	}
	s.mu.Lock()
	a := s.actionByID[strings.ToLower(id)]
	if a == nil {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, codeNotFound, "Machine action "+id+" was not found")
		return
	}
	now := s.now()
	if st := a.at(now, s.opts.QueueWindow); isTerminal(st.status) {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, codeInvalidInput,
			"Machine action "+id+" cannot be cancelled because its status is "+st.status)
		return
	}
	a.cancelled, a.cancelAt, a.cancelRequestor, a.cancelComment = true, now, s.opts.Requestor, comment
	j := s.actionViewLocked(a)
	s.mu.Unlock()
	s.persist()
	j.Context = odataBase + "#MachineActions/$entity"
	writeJSON(w, http.StatusOK, j)
}

// handleResultLink implements GET machineactions/{id}/GetLiveResponseResultDownloadLink(index=N).
func (s *Sim) handleResultLink(w http.ResponseWriter, r *http.Request, id, fn string) {
	arg := fn[len("GetLiveResponseResultDownloadLink("):]
	arg, ok := strings.CutSuffix(arg, ")")
	val, okKey := strings.CutPrefix(arg, "index=")
	idx, err := strconv.Atoi(val)
	if !ok || !okKey || err != nil || idx < 0 {
		writeError(w, http.StatusBadRequest, codeBadRequest, "Invalid function call '"+fn+"': expected GetLiveResponseResultDownloadLink(index=<n>)")
		return
	}
	s.mu.Lock()
	a := s.actionByID[strings.ToLower(id)]
	if a == nil {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, codeNotFound, "Machine action "+id+" was not found")
		return
	}
	now := s.now()
	st := a.at(now, s.opts.QueueWindow)
	if idx >= len(a.commands) {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, codeInvalidInput, "Command index "+val+" does not exist in action "+id)
		return
	}
	c := a.commands[idx]
	if c.typ == typePutFile || st.commands[idx].status != cmdCompleted {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, codeInvalidInput,
			"No result is available for command "+val+" ("+c.typ+", status "+st.commands[idx].status+")")
		return
	}
	expires := now.Add(s.Scaled(s.opts.LinkLifetime))
	s.mu.Unlock()
	if s.linksExpired() {
		expires = now.Add(-time.Minute)
	}
	link := s.mintBlob(r, a, idx, expires)
	writeJSON(w, http.StatusOK, struct {
		Context string `json:"@odata.context"`
		Value   string `json:"value"`
	}{odataBase + "#Edm.String", link})
}
