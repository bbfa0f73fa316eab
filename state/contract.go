package state

// This file fixes the exported surface of package state that ui/ and main.go
// are written against. Bodies live in the other files of the package.

import (
	"time"

	"mdlr/api"
)

// Device is what a plan needs to know about its target device.
type Device struct {
	ID           string
	Name         string // computerDnsName
	OSPlatform   string // e.g. Windows11, WindowsServer2022, Linux, macOS
	HealthStatus string // Active, Inactive, ...
}

// PlanCommand is one command of a plan, as the user composed it.
type PlanCommand struct {
	Type string // api.CommandPutFile, api.CommandRunScript, api.CommandGetFile
	// Name is the library file (PutFile FileName, RunScript ScriptName).
	Name string
	// Args are the RunScript arguments (omitted from the request when empty).
	Args string
	// Path is the GetFile absolute path on the device.
	Path string
}

// Plan is an ordered command list for one device with the required comment.
type Plan struct {
	Device   Device
	Commands []PlanCommand
	Comment  string
}

// Problem is one validation failure, located at a field a user can fix.
type Problem struct {
	Index   int    // command index, or -1 for plan-level fields
	Field   string // "comment", "device", "args", "path", "name", "order", "commands"
	Message string // plain words, e.g. `Args may not contain ";" (the service rejects ; & | ! $ ( ))`
}

// CommandState is the user-facing state of one command of a tracked action.
type CommandState string

// Command states shown to the user.
const (
	CmdWaiting   CommandState = "waiting"
	CmdRunning   CommandState = "running"
	CmdCompleted CommandState = "completed"
	CmdFailed    CommandState = "failed"
	CmdNotRun    CommandState = "not run" // an earlier command failed, or the action ended first
	CmdStopped   CommandState = "stopped" // it was running when the action was cancelled or timed out
)

// CommandView is one command of a tracked action, ready to show.
type CommandView struct {
	Index    int
	Type     string
	Target   string // file name, script name (+args) or path
	State    CommandState
	Errors   []string
	Started  *time.Time
	Ended    *time.Time
	Result   *api.ScriptResult // RunScript result once fetched
	File     *api.SavedFile    // GetFile result once saved
	FetchErr string            // last error fetching the result, if any
}

// ActionView is the user-facing state of a tracked (or listed) action.
type ActionView struct {
	IntentID   string // journal id ("" for actions not started here)
	ActionID   string
	DeviceID   string
	DeviceName string
	Status     string // api.Status*, or "Submitting" before the action id is known
	Requestor  string
	Comment    string
	Created    time.Time
	Updated    time.Time
	Explain    string // plain words for queued/offline/timed-out/cancelled, or ""
	Commands   []CommandView
	Done       bool // terminal status and every result fetched or failed for good
	OutDir     string
}
