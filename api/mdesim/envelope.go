package mdesim

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// odataBase is the host named in @odata.context values, like the real service.
const odataBase = "https://api.security.microsoft.com/api/$metadata"

// Error codes of the error envelope (reference §2.12).
const (
	codeBadRequest         = "BadRequest"
	codeODataError         = "ODataError"
	codeInvalidInput       = "InvalidInput"
	codeInvalidBody        = "InvalidRequestBody"
	codeMissingParameter   = "MissingRequiredParameter"
	codeActiveRequest      = "ActiveRequestAlreadyExists"
	codeUnauthorized       = "Unauthorized"
	codeNotFound           = "ResourceNotFound"
	codeTooManyRequests    = "TooManyRequests"
	codeInternalError      = "InternalServerError"
	codeMethodNotAllowed   = "MethodNotAllowed"
	codeServiceUnavailable = "ServiceUnavailable"
	codeForbidden          = "Forbidden"
)

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Target  string `json:"target"`
}

// writeError writes the documented error envelope with a fresh correlation id.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, errorBody{errorDetail{Code: code, Message: message, Target: randomGUID()}})
}

// writeRetryAfter writes a 429 TooManyRequests with a Retry-After header.
func writeRetryAfter(w http.ResponseWriter, wait time.Duration, message string) {
	secs := int((wait + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeError(w, http.StatusTooManyRequests, codeTooManyRequests, message)
}

// writeJSON writes v as a JSON body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal encoding error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// randomGUID returns a random version-4 GUID.
func randomGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return formatGUID(b)
}
