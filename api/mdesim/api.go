package mdesim

import (
	"net/http"
	"strconv"
	"strings"
)

// handleAPI authenticates, rate-limits and dispatches /api/... requests.
func (s *Sim) handleAPI(w http.ResponseWriter, r *http.Request) {
	if r = s.authorize(w, r); r == nil {
		return
	}
	rest := strings.TrimPrefix(r.URL.Path[len("/api/"):], "v1.0/")
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	res := strings.ToLower(parts[0])
	if !permitted(w, tokenFrom(r), res, parts) {
		return
	}
	switch {
	case res == "machines" && len(parts) == 1:
		s.onlyMethod(w, r, http.MethodGet, s.handleListMachines)
	case res == "machines" && len(parts) == 2:
		s.onlyMethod(w, r, http.MethodGet, func(w http.ResponseWriter, r *http.Request) { s.handleGetMachine(w, parts[1]) })
	case res == "machines" && len(parts) == 3 && strings.EqualFold(parts[2], "runliveresponse"):
		s.onlyMethod(w, r, http.MethodPost, func(w http.ResponseWriter, r *http.Request) { s.handleRunLiveResponse(w, r, parts[1]) })
	case res == "libraryfiles" && len(parts) == 1:
		switch r.Method {
		case http.MethodGet:
			s.handleListLibrary(w)
		case http.MethodPost:
			s.handleUploadLibrary(w, r)
		default:
			methodNotAllowed(w, r)
		}
	case res == "libraryfiles" && len(parts) == 2:
		s.onlyMethod(w, r, http.MethodDelete, func(w http.ResponseWriter, r *http.Request) { s.handleDeleteLibrary(w, parts[1]) })
	case res == "machineactions" && len(parts) == 1:
		s.onlyMethod(w, r, http.MethodGet, s.handleListActions)
	case res == "machineactions" && len(parts) == 2:
		s.onlyMethod(w, r, http.MethodGet, func(w http.ResponseWriter, r *http.Request) { s.handleGetAction(w, parts[1]) })
	case res == "machineactions" && len(parts) == 3 && strings.EqualFold(parts[2], "cancel"):
		s.onlyMethod(w, r, http.MethodPost, func(w http.ResponseWriter, r *http.Request) { s.handleCancel(w, r, parts[1]) })
	case res == "machineactions" && len(parts) == 3 && hasPrefixFold(parts[2], "GetLiveResponseResultDownloadLink("):
		s.onlyMethod(w, r, http.MethodGet, func(w http.ResponseWriter, r *http.Request) { s.handleResultLink(w, r, parts[1], parts[2]) })
	default:
		writeError(w, http.StatusNotFound, codeNotFound, "Resource '"+r.URL.Path+"' does not exist.")
	}
}

func (s *Sim) onlyMethod(w http.ResponseWriter, r *http.Request, method string, h http.HandlerFunc) {
	if r.Method != method {
		methodNotAllowed(w, r)
		return
	}
	h(w, r)
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusMethodNotAllowed, codeMethodNotAllowed, "The HTTP method '"+r.Method+"' is not allowed for this resource.")
}

// pageOptions are the parsed $top/$skip/$filter query options.
type pageOptions struct {
	top, skip int
	hasTop    bool
	filter    filterExpr
}

// parsePage validates the OData query options of a list request.
func parsePage(r *http.Request, allowed map[string]bool) (pageOptions, string) {
	po := pageOptions{top: 10000}
	q := r.URL.Query()
	for k := range q {
		switch k {
		case "$filter", "$top", "$skip":
		default:
			if strings.HasPrefix(k, "$") {
				return po, "Custom query option '" + k + "' is not supported."
			}
		}
	}
	if v := q.Get("$top"); q.Has("$top") {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return po, "Invalid value '" + v + "' for $top query option found. The $top query option requires a non-negative integer value."
		}
		if n > 10000 {
			return po, "The limit of '10000' for Top query has been exceeded. The value from the incoming request is '" + v + "'."
		}
		po.top, po.hasTop = n, true
	}
	if v := q.Get("$skip"); q.Has("$skip") {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return po, "Invalid value '" + v + "' for $skip query option found. The $skip query option requires a non-negative integer value."
		}
		po.skip = n
	}
	if q.Has("$filter") {
		f, err := parseFilter(q.Get("$filter"), allowed)
		if err != nil {
			return po, "Invalid filter clause: " + err.Error()
		}
		po.filter = f
	}
	return po, ""
}
