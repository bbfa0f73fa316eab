package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"mdlr/ui/inert"
)

// reporter writes progress for humans (stderr, inert text) or JSON lines
// (stdout) for automation.
type reporter struct {
	mu     sync.Mutex
	json   bool
	stdout io.Writer
	stderr io.Writer
}

// event writes one JSON line when --json is set.
func (r *reporter) event(v map[string]any) {
	if !r.json {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	_, _ = r.stdout.Write(append(b, '\n'))
}

// progressf writes a human progress line on stderr; every argument is
// made inert, so remote text cannot drive the terminal.
func (r *reporter) progressf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = inert.Text(s)
		}
	}
	fmt.Fprintf(r.stderr, format+"\n", args...)
}

// block writes a multi-line inert block to w (stdout for results).
func (r *reporter) block(w io.Writer, s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := inert.Block(s)
	if out != "" && out[len(out)-1] != '\n' {
		out += "\n"
	}
	_, _ = io.WriteString(w, out)
}
