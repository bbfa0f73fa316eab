package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"strconv"
	"sync/atomic"
)

// MaxUploadBytes is the API's per-file library upload limit (20 MB).
const MaxUploadBytes = 20 << 20

// ErrUploadTooLarge reports content over MaxUploadBytes.
var ErrUploadTooLarge = errors.New("library files uploaded through the API are limited to 20 MB")

// ValidLibraryFileName reports whether name uses only the characters the
// library accepts: letters, digits, '-', '_' and '.'.
func ValidLibraryFileName(name string) error {
	if name == "" {
		return errors.New("library file name is empty")
	}
	if len(name) > 255 {
		return errors.New("library file name is longer than 255 characters")
	}
	if name == "." || name == ".." {
		return fmt.Errorf("library file name %q is not valid", name)
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return fmt.Errorf("library file name %q may only contain letters, digits, '-', '_' and '.'", sanitize(name, 80))
		}
	}
	return nil
}

// ListLibraryFiles returns the tenant's live response library.
func (c *Client) ListLibraryFiles(ctx context.Context) ([]LibraryFile, error) {
	r := &apiRequest{method: http.MethodGet, path: "/api/libraryfiles"}
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	return decodeList[LibraryFile](r, resp)
}

// UploadLibraryFile streams a file into the library (multipart form). Content
// over 20 MB is refused with ErrUploadTooLarge before the server sees it all.
func (c *Client) UploadLibraryFile(ctx context.Context, req UploadRequest) (LibraryFile, error) {
	if err := ValidLibraryFileName(req.FileName); err != nil {
		return LibraryFile{}, fmt.Errorf("api: upload: %w", err)
	}
	if req.Content == nil {
		return LibraryFile{}, errors.New("api: upload: no content")
	}
	if n, ok := knownSize(req.Content); ok && n > MaxUploadBytes {
		return LibraryFile{}, fmt.Errorf("api: upload %s (%d bytes): %w", req.FileName, n, ErrUploadTooLarge)
	}
	prefix, suffix, contentType, err := uploadEnvelope(req)
	if err != nil {
		return LibraryFile{}, err
	}
	size, sized := knownSize(req.Content)
	limited := &limitedReader{r: req.Content, left: MaxUploadBytes}
	used := false
	r := &apiRequest{
		method:      http.MethodPost,
		path:        "/api/libraryfiles",
		contentType: contentType,
		body: func() (io.Reader, error) {
			if used {
				s, ok := req.Content.(io.Seeker)
				if !ok {
					return nil, errors.New("api: upload: the content cannot be sent twice; retry the upload")
				}
				if _, err := s.Seek(0, io.SeekStart); err != nil {
					return nil, fmt.Errorf("api: upload: rewinding content: %w", err)
				}
				limited.left = MaxUploadBytes
			}
			used = true
			return io.MultiReader(bytes.NewReader(prefix), limited, bytes.NewReader(suffix)), nil
		},
	}
	if sized {
		r.length = int64(len(prefix)) + size + int64(len(suffix))
	}
	resp, err := c.do(ctx, r)
	if limited.exceeded.Load() {
		return LibraryFile{}, fmt.Errorf("api: upload %s: %w", req.FileName, ErrUploadTooLarge)
	}
	if err != nil {
		return LibraryFile{}, err
	}
	var f LibraryFile
	err = decodeJSON(r, resp, &f)
	return f, err
}

// uploadEnvelope renders the multipart form around the file content: the
// prefix up to the content, and the remaining fields plus the terminator.
func uploadEnvelope(req UploadRequest) (prefix, suffix []byte, contentType string, err error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if _, err := mw.CreateFormFile("file", req.FileName); err != nil {
		return nil, nil, "", err
	}
	prefix = bytes.Clone(buf.Bytes())
	buf.Reset()
	fields := [][2]string{
		{"Description", req.Description},
		{"ParametersDescription", req.ParametersDescription},
		{"HasParameters", strconv.FormatBool(req.HasParameters)},
		{"OverrideIfExists", strconv.FormatBool(req.OverrideIfExists)},
	}
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return nil, nil, "", err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, nil, "", err
	}
	return prefix, bytes.Clone(buf.Bytes()), mw.FormDataContentType(), nil
}

// limitedReader fails with ErrUploadTooLarge once more than left bytes are read.
type limitedReader struct {
	r        io.Reader
	left     int64
	exceeded atomic.Bool // read after the transport's writer goroutine
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		l.exceeded.Store(true)
		return 0, ErrUploadTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		l.exceeded.Store(true)
		return 0, ErrUploadTooLarge
	}
	return n, err
}

// knownSize returns the content length when the reader reveals it.
func knownSize(r io.Reader) (int64, bool) {
	switch v := r.(type) {
	case interface{ Len() int }:
		return int64(v.Len()), true
	case interface{ Stat() (fs.FileInfo, error) }:
		if st, err := v.Stat(); err == nil {
			return st.Size(), true
		}
	}
	return 0, false
}

// DeleteLibraryFile removes a file from the library.
func (c *Client) DeleteLibraryFile(ctx context.Context, fileName string) error {
	seg, err := pathEscapeID("library file", fileName)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, &apiRequest{method: http.MethodDelete, path: "/api/libraryfiles/" + seg})
	return err
}
