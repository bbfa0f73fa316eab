package compose

import (
	"context"
	"errors"
	"path/filepath"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/sahilm/fuzzy"

	"mdlr/api"
	"mdlr/ui/inert"
)

// libraryMsg carries the tenant's live response library.
type libraryMsg struct {
	gen   int
	files []api.LibraryFile
	err   error
}

// libRow is one visible library file and the name bytes the filter matched.
type libRow struct {
	index   int
	matched []int
}

func loadLibraryCmd(ctx context.Context, svc api.Service, gen int) tea.Cmd {
	return func() tea.Msg {
		if svc == nil {
			return libraryMsg{gen: gen, err: errors.New("no API connection")}
		}
		files, err := svc.ListLibraryFiles(ctx)
		if err == nil {
			sort.SliceStable(files, func(i, j int) bool {
				return strings.ToLower(files[i].FileName) < strings.ToLower(files[j].FileName)
			})
		}
		return libraryMsg{gen: gen, files: files, err: err}
	}
}

// filterLibrary returns the files matching query (all, in order, when empty),
// best fuzzy matches first.
func filterLibrary(files []api.LibraryFile, query string) []libRow {
	if strings.TrimSpace(query) == "" {
		rows := make([]libRow, len(files))
		for i := range files {
			rows[i] = libRow{index: i}
		}
		return rows
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.FileName
	}
	found := fuzzy.Find(query, names)
	rows := make([]libRow, len(found))
	for i, f := range found {
		rows[i] = libRow{index: f.Index, matched: f.MatchedIndexes}
	}
	return rows
}

// highlightName renders an untrusted name inert, styling the matched bytes.
func highlightName(name string, matched []int, match lipgloss.Style) string {
	if len(matched) == 0 {
		return inert.Text(name)
	}
	set := make(map[int]bool, len(matched))
	for _, i := range matched {
		set[i] = true
	}
	var b strings.Builder
	for i, r := range name {
		s := inert.Text(string(r))
		if set[i] {
			s = match.Render(s)
		}
		b.WriteString(s)
	}
	return b.String()
}

// scriptExts are library file extensions that RunScript runs.
var scriptExts = map[string]bool{".ps1": true, ".sh": true, ".py": true, ".bat": true, ".cmd": true, ".vbs": true, ".js": true}

// kindOf is a type hint for a library file: "script" or "tool".
func kindOf(name string) string {
	if scriptExts[strings.ToLower(filepath.Ext(name))] {
		return "script"
	}
	return "tool"
}
