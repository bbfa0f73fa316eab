package compose

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/ui/widgets"
)

// MaxUploadBytes is the library's file size limit.
const MaxUploadBytes = 20 << 20

// Upload form fields, in tab order.
const (
	upPath = iota
	upDescription
	upParams
	upOverride
	upFieldCount
)

// uploadForm is the library upload form.
type uploadForm struct {
	fields   [3]widgets.Field
	override bool
	focus    int
	statGen  int
	check    string // result of the live file check
	checkOK  bool
	err      string
	busy     bool
}

// statMsg is the live check of the local file.
type statMsg struct {
	gen  int
	text string
	ok   bool
}

// uploadedMsg reports a finished upload.
type uploadedMsg struct {
	file api.LibraryFile
	err  error
}

// deletedMsg reports a finished delete.
type deletedMsg struct {
	name string
	err  error
}

func newUploadForm() uploadForm {
	f := uploadForm{}
	f.fields[upPath].Placeholder = "local file path, e.g. ./scripts/collect-triage.ps1"
	f.fields[upDescription].Placeholder = "description shown in the library"
	f.fields[upParams].Placeholder = "parameters hint, e.g. -OutPath <path> [-Days <n>] (empty: no parameters)"
	f.fields[upPath].Focus()
	return f
}

// setFocus moves the form focus to field i (wrapping).
func (f *uploadForm) setFocus(i int) {
	f.focus = (i%upFieldCount + upFieldCount) % upFieldCount
	for j := range f.fields {
		if j == f.focus {
			f.fields[j].Focus()
		} else {
			f.fields[j].Blur()
		}
	}
}

// request builds the upload request; the file is opened in the Cmd.
func (f *uploadForm) request() (path string, req api.UploadRequest) {
	path = strings.TrimSpace(f.fields[upPath].Value())
	params := strings.TrimSpace(f.fields[upParams].Value())
	return path, api.UploadRequest{
		FileName:              filepath.Base(path),
		Description:           strings.TrimSpace(f.fields[upDescription].Value()),
		ParametersDescription: params,
		HasParameters:         params != "",
		OverrideIfExists:      f.override,
	}
}

// checkLocalFile says whether path is an uploadable regular file.
func checkLocalFile(path string) (os.FileInfo, error) {
	if path == "" {
		return nil, errors.New("enter the path of a local file")
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%s does not exist", path)
	case err != nil:
		return nil, err
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file", path)
	case fi.Size() > MaxUploadBytes:
		return nil, fmt.Errorf("%s is %s; the library accepts at most %s", path, widgets.Bytes(fi.Size()), widgets.Bytes(MaxUploadBytes))
	}
	return fi, nil
}

func statCmd(path string, gen int) tea.Cmd {
	return func() tea.Msg {
		fi, err := checkLocalFile(path)
		if err != nil {
			return statMsg{gen: gen, text: err.Error()}
		}
		return statMsg{gen: gen, ok: true, text: fmt.Sprintf("%s, %s", filepath.Base(path), widgets.Bytes(fi.Size()))}
	}
}

func uploadCmd(ctx context.Context, svc libraryWriter, path string, req api.UploadRequest) tea.Cmd {
	return func() tea.Msg {
		if _, err := checkLocalFile(path); err != nil {
			return uploadedMsg{err: err}
		}
		f, err := os.Open(path)
		if err != nil {
			return uploadedMsg{err: err}
		}
		defer f.Close()
		req.Content = f
		file, err := svc.UploadLibraryFile(ctx, req)
		return uploadedMsg{file: file, err: err}
	}
}

func deleteCmd(ctx context.Context, svc libraryWriter, name string) tea.Cmd {
	return func() tea.Msg {
		return deletedMsg{name: name, err: svc.DeleteLibraryFile(ctx, name)}
	}
}
