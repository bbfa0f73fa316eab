package mdesim

import (
	"strings"
	"time"
)

// Action statuses (reference §3.2) and command statuses (§3.3).
const (
	statusPending    = "Pending"
	statusInProgress = "InProgress"
	statusSucceeded  = "Succeeded"
	statusFailed     = "Failed"
	statusTimeOut    = "TimeOut"
	statusCancelled  = "Cancelled"

	cmdCreated    = "Created"
	cmdInProgress = "InProgress"
	cmdCompleted  = "Completed"
	cmdFailed     = "Failed"
)

// Live response command types and parameter keys.
const (
	typePutFile   = "PutFile"
	typeRunScript = "RunScript"
	typeGetFile   = "GetFile"

	keyFileName   = "FileName"
	keyScriptName = "ScriptName"
	keyArgs       = "Args"
	keyPath       = "Path"
)

func isTerminal(status string) bool {
	switch status {
	case statusSucceeded, statusFailed, statusTimeOut, statusCancelled:
		return true
	}
	return false
}

// paramKV is one command parameter, as sent and echoed.
type paramKV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// commandSpec is a submitted command and its predetermined outcome.
type commandSpec struct {
	typ      string
	params   []paramKV
	duration time.Duration // at TimeScale 1
	fail     string        // error text when the command fails; "" on success
}

func (c commandSpec) param(key string) string {
	for _, p := range c.params {
		if p.Key == key {
			return p.Value
		}
	}
	return ""
}

// action is a live response machine action; its state at any instant is
// derived from the clock by at. All its times are on the real clock; its
// durations (command durations, pickup delay, command gap, queue window)
// are meant at TimeScale 1 and divided by scale, the TimeScale in force
// when it was created, so a restart under another TimeScale does not
// rewrite its history.
type action struct {
	id          string
	machineID   string
	machineName string
	machineOS   string
	requestor   string
	comment     string
	created     time.Time
	scale       float64 // TimeScale at creation (> 0)
	offline     bool    // the device never picks it up: Pending then TimeOut
	endless     bool    // runs until cancelled (the busy device)
	commands    []commandSpec

	cancelled       bool
	cancelAt        time.Time
	cancelRequestor string
	cancelComment   string
}

// commandState is one command's state at an instant.
type commandState struct {
	status     string
	start, end *time.Time
	errors     []string
}

// actionState is an action's state at an instant.
type actionState struct {
	status     string
	lastUpdate time.Time
	commands   []commandState
}

// scaled converts a duration at TimeScale 1 into the action's real time.
func (a *action) scaled(d time.Duration) time.Duration { return scaleDuration(d, a.scale) }

// scaleDuration divides d by scale (a positive TimeScale).
func scaleDuration(d time.Duration, scale float64) time.Duration {
	if scale == 1 || scale <= 0 {
		return d
	}
	return time.Duration(float64(d) / scale)
}

// at computes the action's state at instant t; queueWindow is at TimeScale 1.
func (a *action) at(t time.Time, queueWindow time.Duration) actionState {
	if a.cancelled && !t.Before(a.cancelAt) {
		s := a.progress(a.cancelAt, queueWindow)
		for i := range s.commands {
			c := &s.commands[i]
			if c.status != cmdCompleted && c.status != cmdFailed {
				c.status, c.end = cmdCreated, nil
			}
		}
		s.status, s.lastUpdate = statusCancelled, a.cancelAt
		return s
	}
	return a.progress(t, queueWindow)
}

func (a *action) progress(t time.Time, queueWindow time.Duration) actionState {
	s := actionState{status: statusPending, lastUpdate: a.created, commands: make([]commandState, len(a.commands))}
	for i := range s.commands {
		s.commands[i].status = cmdCreated
	}
	switch {
	case a.offline:
		if deadline := a.created.Add(a.scaled(queueWindow)); !t.Before(deadline) {
			s.status, s.lastUpdate = statusTimeOut, deadline
		}
		return s
	case a.endless:
		start := a.created.Add(a.scaled(PickupDelay))
		s.status, s.lastUpdate = statusInProgress, start
		if len(s.commands) > 0 {
			s.commands[0].status, s.commands[0].start = cmdInProgress, &start
		}
		return s
	}
	pickup := a.created.Add(a.scaled(PickupDelay))
	if t.Before(pickup) {
		return s
	}
	s.status, s.lastUpdate = statusInProgress, pickup
	cur := pickup
	for i, c := range a.commands {
		if t.Before(cur) {
			return s
		}
		start, end := cur, cur.Add(a.scaled(c.duration))
		cs := &s.commands[i]
		cs.start = &start
		if t.Before(end) {
			cs.status = cmdInProgress
			s.lastUpdate = start
			return s
		}
		cs.end = &end
		s.lastUpdate = end
		if c.fail != "" {
			cs.status, cs.errors = cmdFailed, []string{c.fail}
			s.status = statusFailed
			return s
		}
		cs.status = cmdCompleted
		cur = end.Add(a.scaled(CommandGap))
	}
	s.status = statusSucceeded
	return s
}

// planCommand fills in a command's duration (at TimeScale 1) and outcome for a device.
func planCommand(c commandSpec, m *machine) commandSpec {
	switch c.typ {
	case typePutFile:
		c.duration = PutFileDuration
	case typeRunScript:
		c.duration = RunScriptDuration
		switch c.param(keyScriptName) {
		case scriptSlow:
			c.duration = SlowScriptDuration
		case scriptBroken:
			c.fail = "Script execution failed with exit code 1: Get-ItemProperty : Cannot find path " +
				"'HKLM:\\SOFTWARE\\Contoso\\HealthAgent' because it does not exist."
		}
	case typeGetFile:
		path := c.param(keyPath)
		c.duration = GetFileDuration
		if strings.Contains(strings.ToLower(path), "big") {
			c.duration = BigGetFileDuration
		}
		lower := strings.ToLower(path)
		switch {
		case strings.Contains(lower, "missing") || strings.Contains(lower, "nonexistent"):
			c.fail = "File not found"
		case m.windows() && !isWindowsPath(path):
			c.fail = "Invalid path: '" + path + "' is not a valid Windows path"
		case !m.windows() && !strings.HasPrefix(path, "/"):
			c.fail = "Invalid path: '" + path + "' is not a valid path on " + m.os
		}
	}
	return c
}

// isWindowsPath reports whether p looks like C:\... or a UNC path.
func isWindowsPath(p string) bool {
	if strings.HasPrefix(p, `\\`) {
		return true
	}
	return len(p) >= 3 && (p[0] >= 'A' && p[0] <= 'Z' || p[0] >= 'a' && p[0] <= 'z') && p[1] == ':' && p[2] == '\\'
}
