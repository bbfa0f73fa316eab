// Package signin is the console's sign-in screen: it runs the sign-in in
// a command, shows a device code (code, address, time left) while the
// user approves it, can be cancelled, and names the fix when it fails.
package signin

import (
	"context"
	"time"

	"mdlr/api"
	"mdlr/ui/common"
)

// Session is what a finished sign-in hands the console.
type Session struct {
	API    api.Service
	Engine common.Engine
	// Tenant labels the header and status bar ("" keeps the current label).
	Tenant string
	// StateDir holds the journal and the audit log ("" none).
	StateDir string
	// Claims reads who the token says the caller is (nil: unknown). It is
	// called inside a command.
	Claims func(ctx context.Context) (api.Claims, error)
	// QueueWindow is how long an offline device's action stays queued (0: the documented 2h).
	QueueWindow time.Duration
	// Notes are problems found while reattaching tracked actions.
	Notes []string
	// Close releases the session (nil: nothing to release).
	Close func()
}

// Events receive what happens during a sign-in. They may be called from
// the sign-in's goroutine and must not block for long.
type Events struct {
	// Prompt shows a device code.
	Prompt func(api.DevicePrompt)
	// Notice is a one-line message about the sign-in.
	Notice func(string)
}

// ConnectFunc signs in and builds a Session; cancelling ctx abandons it.
type ConnectFunc func(ctx context.Context, ev Events) (Session, error)

// ReadyMsg reports a finished sign-in to the root model.
type ReadyMsg struct{ Session Session }

// Label describes a sign-in for the screen ("device code, profile lab").
type Label struct {
	Mode    string // sign-in mode: secret, certificate, devicecode, azcli
	Profile string
	Tenant  string
}
