package results

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/common"
	"mdlr/ui/inert"
	"mdlr/ui/widgets/pager"
)

// MaxClipboardBytes bounds what y copies with OSC 52; larger outputs are saved instead.
const MaxClipboardBytes = 1 << 20

// loadedMsg carries the command's view and, for RunScript, its prepared output.
type loadedMsg struct {
	gen       int
	action    state.ActionView
	cmd       state.CommandView
	err       error
	result    *api.ScriptResult
	resultErr error
	stdout    pager.Content
	stderr    pager.Content
}

// searchedMsg carries a finished search of one stream.
type searchedMsg struct {
	gen    int
	stream int
	result pager.SearchResult
}

// savedMsg reports a finished save.
type savedMsg struct {
	path  string
	bytes int
	err   error
}

// loadCmd reads the action and the stored result from the engine and
// prepares the output for display, all off the UI goroutine.
func loadCmd(eng common.Engine, actionID string, index, gen int) tea.Cmd {
	return func() tea.Msg {
		msg := loadedMsg{gen: gen}
		if eng == nil {
			msg.err = errors.New("no engine: results are unavailable")
			return msg
		}
		av, ok := eng.Action(actionID)
		if !ok {
			msg.err = fmt.Errorf("action %s is not tracked by this console (open it from the Actions screen first)", inert.Text(actionID))
			return msg
		}
		msg.action = av
		found := false
		for _, c := range av.Commands {
			if c.Index == index {
				msg.cmd, found = c, true
				break
			}
		}
		if !found {
			msg.err = fmt.Errorf("action %s has no command #%d", inert.Text(actionID), index)
			return msg
		}
		if msg.cmd.Type != api.CommandRunScript {
			return msg
		}
		res, err := eng.ScriptOutput(actionID, index)
		if err != nil {
			msg.resultErr = err
			return msg
		}
		msg.result = &res
		msg.stdout = pager.Prepare(res.ScriptOutput)
		msg.stderr = pager.Prepare(res.ScriptErrors)
		return msg
	}
}

// searchCmd searches one stream's lines (shared read-only) in a Cmd.
func searchCmd(lines []string, query string, stream, gen int) tea.Cmd {
	return func() tea.Msg {
		return searchedMsg{gen: gen, stream: stream, result: pager.Search(lines, query)}
	}
}

// saveCmd writes text to a new file at path; it never overwrites.
func saveCmd(path, text string) tea.Cmd {
	return func() tea.Msg {
		if strings.TrimSpace(path) == "" {
			return savedMsg{err: errors.New("enter a file path")}
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return savedMsg{path: path, err: err}
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			return savedMsg{path: path, err: fmt.Errorf("a file with that name exists, choose another name: %s", path)}
		}
		if err != nil {
			return savedMsg{path: path, err: err}
		}
		n, werr := f.WriteString(text)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		return savedMsg{path: path, bytes: n, err: werr}
	}
}

// copyCmd copies inert text to the clipboard with OSC 52.
func copyCmd(text string) tea.Cmd {
	return func() tea.Msg { return tea.SetClipboard(inert.Block(text))() }
}

// defaultSavePath is <OutRoot>/<actionID>/<script>-<index>[.stderr].txt,
// with every untrusted part reduced to a safe file name.
func defaultSavePath(outRoot, actionID, script string, index, stream int) string {
	name := strings.TrimSuffix(state.SafeLocalName(script), filepath.Ext(script))
	suffix := ".txt"
	if stream == streamStderr {
		suffix = ".stderr.txt"
	}
	return filepath.Join(outRoot, state.SafeLocalName(actionID), fmt.Sprintf("%s-%d%s", name, index, suffix))
}
