package api

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

func TestListLibraryFilesDecodes(t *testing.T) {
	ten := newTenant(t)
	ten.handle("GET /api/libraryfiles", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"value":[`+libraryFileJSON+`,{"fileName":"x.sh","description":null,"hasParameters":false}]}`)
	})
	c := ten.client(t, newFakeClock())
	fs, err := c.ListLibraryFiles(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].FileName != "collect-triage.ps1" || !fs[0].HasParameters ||
		fs[0].ParametersDescription != "-OutPath <path to zip> [-Days <n>]" || fs[0].CreatedBy != "ir-automation@contoso.com" ||
		fs[0].SHA256[:6] != "6e212a" || fs[0].LastUpdatedTime.Month() != 10 || fs[1].Description != "" {
		t.Fatalf("files = %+v", fs)
	}
}

// onlyReader hides Len/Seek so the client cannot learn the size up front.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestUploadLibraryFileSendsMultipart(t *testing.T) {
	ten := newTenant(t)
	ten.handle("POST /api/libraryfiles", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			t.Errorf("multipart: %v", err)
			writeJSON(w, 400, `{"error":{"code":"InvalidRequestBody","message":"bad"}}`)
			return
		}
		f, hdr, err := r.FormFile("file")
		if err != nil {
			t.Errorf("file part: %v", err)
			return
		}
		content, _ := io.ReadAll(f)
		if hdr.Filename != "collect-triage.ps1" || string(content) != "Write-Output hi" {
			t.Errorf("file %q = %q", hdr.Filename, content)
		}
		for k, want := range map[string]string{"Description": "d", "ParametersDescription": "-X", "HasParameters": "true", "OverrideIfExists": "false"} {
			if got := r.FormValue(k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		writeJSON(w, 200, libraryFileJSON)
	})
	c := ten.client(t, newFakeClock())
	f, err := c.UploadLibraryFile(t.Context(), UploadRequest{
		FileName: "collect-triage.ps1", Content: onlyReader{strings.NewReader("Write-Output hi")},
		Description: "d", ParametersDescription: "-X", HasParameters: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if f.FileName != "collect-triage.ps1" {
		t.Fatalf("file = %+v", f)
	}
}

func TestUploadRefusesOver20MB(t *testing.T) {
	ten := newTenant(t)
	var complete atomic.Bool
	ten.handle("POST /api/libraryfiles", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err == nil {
			complete.Store(true)
		}
		writeJSON(w, 200, libraryFileJSON)
	})
	c := ten.client(t, newFakeClock())
	big := bytes.Repeat([]byte("a"), MaxUploadBytes+1)
	// Known size: refused before any request.
	_, err := c.UploadLibraryFile(t.Context(), UploadRequest{FileName: "big.ps1", Content: bytes.NewReader(big)})
	if !errors.Is(err, ErrUploadTooLarge) {
		t.Fatalf("known size: err = %v", err)
	}
	if _, calls := ten.counts(); calls != 0 {
		t.Fatalf("request sent for oversize known-size content")
	}
	// Unknown size: refused while streaming.
	_, err = c.UploadLibraryFile(t.Context(), UploadRequest{FileName: "big.ps1", Content: onlyReader{bytes.NewReader(big)}})
	if !errors.Is(err, ErrUploadTooLarge) {
		t.Fatalf("streamed: err = %v", err)
	}
	if complete.Load() {
		t.Fatal("server received a complete oversize form")
	}
}

func TestUploadRejectsBadNames(t *testing.T) {
	c := newTenant(t).client(t, newFakeClock())
	for _, name := range []string{"", "a b.ps1", "../x.ps1", "x;y.ps1", "ü.ps1"} {
		if _, err := c.UploadLibraryFile(t.Context(), UploadRequest{FileName: name, Content: strings.NewReader("x")}); err == nil {
			t.Errorf("name %q accepted", name)
		}
	}
}

func TestDeleteLibraryFile(t *testing.T) {
	ten := newTenant(t)
	var gotRaw string
	ten.handle("DELETE /api/libraryfiles/{name}", func(w http.ResponseWriter, r *http.Request) {
		gotRaw = r.URL.EscapedPath()
		if r.PathValue("name") == "missing.ps1" {
			writeJSON(w, 404, `{"error":{"code":"NotFound","message":"no such file"}}`)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	c := ten.client(t, newFakeClock())
	if err := c.DeleteLibraryFile(t.Context(), "my file#1.ps1"); err != nil {
		t.Fatal(err)
	}
	if gotRaw != "/api/libraryfiles/my%20file%231.ps1" {
		t.Fatalf("path = %q", gotRaw)
	}
	err := c.DeleteLibraryFile(t.Context(), "missing.ps1")
	if !IsNotFound(err) {
		t.Fatalf("err = %v", err)
	}
	if got := Describe(err); got != "the file missing.ps1 is not in the library" {
		t.Fatalf("Describe = %q", got)
	}
}

func TestUploadKnownSizeSetsLengthAndRewindsOnRetry(t *testing.T) {
	ten := newTenant(t)
	var n atomic.Int32
	ten.handle("POST /api/libraryfiles", func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength <= 0 || len(r.TransferEncoding) != 0 {
			t.Errorf("length=%d te=%v", r.ContentLength, r.TransferEncoding)
		}
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			t.Errorf("multipart: %v", err)
		}
		f, _, err := r.FormFile("file")
		if err != nil {
			t.Errorf("file: %v", err)
			return
		}
		content, _ := io.ReadAll(f)
		if string(content) != "echo hi" {
			t.Errorf("attempt %d content = %q", n.Load()+1, content)
		}
		if n.Add(1) == 1 {
			writeJSON(w, 429, `{"error":{"code":"TooManyRequests","message":"slow down"}}`)
			return
		}
		writeJSON(w, 200, libraryFileJSON)
	})
	clk := newFakeClock()
	c := ten.client(t, clk)
	if _, err := c.UploadLibraryFile(t.Context(), UploadRequest{FileName: "hi.sh", Content: strings.NewReader("echo hi")}); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 || len(clk.Sleeps()) != 1 {
		t.Fatalf("attempts=%d sleeps=%v", n.Load(), clk.Sleeps())
	}
}
