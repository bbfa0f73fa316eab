package common

import (
	"context"
	"strconv"
	"time"

	"mdlr/api"
	"mdlr/keymap"
	"mdlr/state"
	"mdlr/ui/styles"
)

// Engine is what screens need from the shared live response engine
// (*state.Engine implements it).
type Engine interface {
	Submit(ctx context.Context, p state.Plan, outDir string) (state.ActionView, error)
	Poll(ctx context.Context) (state.PollResult, error)
	Track(ctx context.Context, actionID string) (state.ActionView, error)
	Actions() []state.ActionView
	Action(actionID string) (state.ActionView, bool)
	Cancel(ctx context.Context, actionID, comment string) (state.ActionView, error)
	ScriptOutput(actionID string, index int) (api.ScriptResult, error)
	// UploadLibraryFile and DeleteLibraryFile change the library with an
	// audit record of the intent and the outcome.
	UploadLibraryFile(ctx context.Context, req api.UploadRequest) (api.LibraryFile, error)
	DeleteLibraryFile(ctx context.Context, fileName string) error
}

// Common is shared by the root model and every screen. It is built once in
// main and passed down by pointer; screens read it, only the root changes it.
type Common struct {
	Ctx    context.Context
	Styles *styles.Styles
	Keys   *keymap.KeyMap
	API    api.Service
	Engine Engine
	Now    func() time.Time
	// Tenant labels the status bar; Demo marks the simulated tenant.
	Tenant string
	Demo   bool
	// ReadOnly forbids submit, cancel, upload and delete.
	ReadOnly bool
	// QueueWindow is how long an offline device's action stays queued
	// (0: the documented 2h); see QueueText.
	QueueWindow time.Duration
	// OutRoot is where collected files are saved (one folder per action).
	OutRoot string
	// Width and Height are the current terminal size.
	Width, Height int
}

// QueueText renders the offline queue window for notes, e.g. "2h" or "12m".
func (c *Common) QueueText() string {
	d := c.QueueWindow
	if d <= 0 {
		d = state.DefaultQueueWindow
	}
	switch {
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	}
	return d.Round(time.Second).String()
}
