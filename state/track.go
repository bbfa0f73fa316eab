package state

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"mdlr/api"
)

// DefaultQueueWindow is how long an offline device's action stays queued
// (the stricter documented value).
const DefaultQueueWindow = 2 * time.Hour

// View maps a machine action to what a user sees: per-command states and a
// plain-words explanation. Text from the service is cleaned of control
// characters. Done is left false: only the engine knows about results.
func View(a api.MachineAction, now time.Time) ActionView {
	v := ActionView{
		ActionID:   a.ID,
		DeviceID:   a.MachineID,
		DeviceName: CleanText(a.ComputerDNSName),
		Status:     a.Status,
		Requestor:  CleanText(a.Requestor),
		Comment:    CleanText(a.RequestorComment),
		Created:    a.CreationDateTimeUTC,
		Updated:    a.LastUpdateDateTimeUTC,
	}
	v.Commands = commandViews(a)
	v.Explain = explain(a, v.Commands, now, 0)
	return v
}

// ViewFor is View with knowledge of the target device: a Pending action on a
// device that is not Active is explained as waiting for an offline device.
func ViewFor(a api.MachineAction, device Device, now time.Time, queueWindow time.Duration) ActionView {
	v := View(a, now)
	if queueWindow <= 0 {
		queueWindow = DefaultQueueWindow
	}
	v.Explain = explain(a, v.Commands, now, queueWindow)
	if a.Status == api.StatusPending && !anyStarted(a.Commands) && device.HealthStatus != "" &&
		!strings.EqualFold(device.HealthStatus, "Active") {
		v.Explain = fmt.Sprintf("Device is offline; the action stays queued for up to %s and then times out", shortDuration(queueWindow))
	}
	if v.DeviceName == "" {
		v.DeviceName = CleanText(device.Name)
	}
	return v
}

// commandViews maps the commands of an action to per-command states.
func commandViews(a api.MachineAction) []CommandView {
	out := make([]CommandView, 0, len(a.Commands))
	failedBefore := false
	terminal := api.IsTerminalStatus(a.Status)
	for _, c := range a.Commands {
		cv := CommandView{
			Index:   c.Index,
			Type:    c.Command.Type,
			Target:  CleanText(planCommandFrom(c.Command).Target()),
			Started: c.StartTime,
			Ended:   c.EndTime,
			Errors:  cleanAll(c.Errors),
		}
		switch {
		case c.CommandStatus == api.CommandStatusCompleted:
			cv.State = CmdCompleted
		case c.CommandStatus == api.CommandStatusFailed:
			cv.State = CmdFailed
		case failedBefore:
			cv.State = CmdNotRun
		case terminal && a.Status != api.StatusSucceeded && c.StartTime == nil:
			cv.State = CmdNotRun
		case terminal && a.Status == api.StatusFailed:
			cv.State = CmdFailed // started, then the action failed without it completing
		case terminal && a.Status != api.StatusSucceeded:
			cv.State = CmdStopped // running when the action was cancelled or timed out
		case c.StartTime != nil || c.CommandStatus != api.CommandStatusCreated:
			cv.State = CmdRunning
		default:
			cv.State = CmdWaiting
		}
		if cv.State == CmdFailed {
			failedBefore = true
		}
		out = append(out, cv)
	}
	return out
}

// explain returns the plain-words explanation of an action's state.
func explain(a api.MachineAction, cmds []CommandView, now time.Time, queueWindow time.Duration) string {
	switch a.Status {
	case api.StatusPending:
		if anyStarted(a.Commands) {
			return ""
		}
		if queueWindow > 0 && !a.CreationDateTimeUTC.IsZero() && now.Sub(a.CreationDateTimeUTC) > queueWindow {
			return "Queued longer than the queue window; it should time out soon"
		}
		return "Queued: waiting for the device to pick it up"
	case api.StatusTimeOut:
		return "Timed out: the device did not run it within the queue window"
	case api.StatusCancelled:
		s := "Cancelled"
		if by := CleanText(a.CancellationRequestor); by != "" {
			s += " by " + by
		}
		if c := CleanText(a.CancellationComment); c != "" {
			s += ": " + c
		}
		return s
	case api.StatusFailed:
		for i, c := range cmds {
			if c.State != CmdFailed {
				continue
			}
			first := "no error text"
			if len(c.Errors) > 0 {
				first = c.Errors[0]
			}
			// Numbered from 1, as the screens number commands.
			s := fmt.Sprintf("Failed: command %d (%s %s): %s", c.Index+1, c.Type, c.Target, first)
			if i < len(cmds)-1 {
				s += "; later commands were not run"
			}
			return s
		}
		if info := CleanText(a.TroubleshootInfo); info != "" {
			return "Failed: " + info
		}
		if a.ErrorHResult != 0 {
			return fmt.Sprintf("Failed: the action failed (HRESULT 0x%08X)", uint32(a.ErrorHResult))
		}
		return "Failed: the action failed without saying why"
	}
	return ""
}

// anyStarted reports whether any command has started or finished.
func anyStarted(cmds []api.CommandStatus) bool {
	for _, c := range cmds {
		if c.StartTime != nil || c.CommandStatus != api.CommandStatusCreated {
			return true
		}
	}
	return false
}

// CleanText makes untrusted text from a device or the service safe to show:
// control characters (including ESC and NUL) become spaces, trailing NUL
// padding and surrounding space are trimmed.
func CleanText(s string) string {
	s = strings.TrimRight(s, "\x00")
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
}

func cleanAll(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = CleanText(s)
	}
	return out
}

// shortDuration renders whole-minute durations without seconds ("2h0m").
func shortDuration(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return strings.TrimSuffix(d.String(), "0s")
	}
	return d.String()
}
