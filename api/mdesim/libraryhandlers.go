package mdesim

import (
	"errors"
	"io"
	"net/http"
	"strings"
)

// handleListLibrary implements GET libraryfiles.
func (s *Sim) handleListLibrary(w http.ResponseWriter) {
	s.mu.Lock()
	files := sortedLibrary(s.library)
	out := make([]libraryFileJSON, len(files))
	for i, f := range files {
		out[i] = f.json()
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, struct {
		Context string            `json:"@odata.context"`
		Value   []libraryFileJSON `json:"value"`
	}{odataBase + "#LibraryFiles", out})
}

// handleUploadLibrary implements POST libraryfiles (multipart/form-data).
func (s *Sim) handleUploadLibrary(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxLibraryFileLen+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, http.StatusBadRequest, codeInvalidBody, "Request must be multipart/form-data with a 'file' part")
		return
	}
	fields := map[string]string{}
	var name string
	var content []byte
	haveFile := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, codeInvalidBody, "Malformed multipart body: "+err.Error())
			return
		}
		data, err := io.ReadAll(io.LimitReader(part, maxLibraryFileLen+1))
		if err != nil {
			writeError(w, http.StatusBadRequest, codeInvalidBody, "Malformed multipart body: "+err.Error())
			return
		}
		if part.FormName() == "file" {
			if len(data) > maxLibraryFileLen {
				writeError(w, http.StatusBadRequest, codeInvalidInput, "File exceeds the 20 MB limit for library uploads")
				return
			}
			name, content, haveFile = part.FileName(), data, true
			continue
		}
		fields[part.FormName()] = string(data)
	}
	if !haveFile {
		writeError(w, http.StatusBadRequest, codeMissingParameter, "Missing required parameter 'file'")
		return
	}
	if !validLibraryName(name) {
		writeError(w, http.StatusBadRequest, codeInvalidInput,
			"Invalid file name '"+name+"': only letters, digits, '-', '_' and '.' are allowed")
		return
	}
	override := strings.EqualFold(fields["OverrideIfExists"], "true")
	hasParams := strings.EqualFold(fields["HasParameters"], "true")
	now := s.now()
	s.mu.Lock()
	old := s.library[name]
	if old != nil && !override {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, codeInvalidInput,
			"File '"+name+"' already exists in the library. Set OverrideIfExists to replace it")
		return
	}
	created := now
	if old != nil {
		created = old.created
	}
	f := newLibraryFile(name, fields["Description"], s.opts.Requestor, hasParams, fields["ParametersDescription"], content, created, now)
	s.library[name] = f
	j := f.json()
	s.mu.Unlock()
	s.persist()
	j.Context = odataBase + "#LibraryFiles/$entity"
	writeJSON(w, http.StatusOK, j)
}

// handleDeleteLibrary implements DELETE libraryfiles/{name}.
func (s *Sim) handleDeleteLibrary(w http.ResponseWriter, name string) {
	s.mu.Lock()
	_, ok := s.library[name]
	delete(s.library, name)
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, codeNotFound, "Library file '"+name+"' was not found")
		return
	}
	s.persist()
	w.WriteHeader(http.StatusNoContent)
}
