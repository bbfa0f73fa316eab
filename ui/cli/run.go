package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"mdlr/api"
	"mdlr/state"
)

// Exit codes of mdlr run (a contract: automation relies on them).
const (
	ExitSucceeded   = 0
	ExitActionEnded = 1 // Failed, TimeOut or Cancelled
	ExitBadInput    = 2 // nothing was sent
	ExitNotSent     = 3 // auth, API or network error
)

// orderedFlag collects a repeatable flag's values.
type orderedFlag []string

func (o *orderedFlag) String() string     { return strings.Join(*o, ",") }
func (o *orderedFlag) Set(v string) error { *o = append(*o, v); return nil }

type runOptions struct {
	conn     connFlags
	device   string
	putFiles orderedFlag
	scripts  orderedFlag
	getFiles orderedFlag
	comment  string
	out      string
	json     bool
}

func runUsage(fs *flag.FlagSet) func() {
	return func() {
		fmt.Fprintln(fs.Output(), `usage: mdlr run --device ID|NAME [--putfile NAME]... [--script "NAME [ARGS]"]... [--getfile PATH]...
                --comment TEXT [--out DIR] [--json] [--demo]

Submits one live response action (commands run PutFile -> RunScript -> GetFile,
whatever the flag order), follows it to the end, prints every script result and
saves every collected file (decompressed) into --out.
Exit: 0 succeeded, 1 failed/timed out/cancelled, 2 bad input (nothing sent), 3 could not submit.`)
		fs.PrintDefaults()
	}
}

// cmdRun implements `mdlr run`.
func (a *App) cmdRun(ctx context.Context, args []string) int {
	var o runOptions
	fs := a.flagSet("run")
	fs.Usage = runUsage(fs)
	o.conn.register(fs)
	fs.StringVar(&o.device, "device", "", "device id or computer name")
	fs.Var(&o.putFiles, "putfile", "library file to put on the device (repeatable)")
	fs.Var(&o.scripts, "script", `library script and its arguments, "NAME [ARGS]" (repeatable)`)
	fs.Var(&o.getFiles, "getfile", "absolute path of a file to collect from the device (repeatable)")
	fs.StringVar(&o.comment, "comment", "", "comment recorded with the action (required)")
	fs.StringVar(&o.out, "out", "", "folder for results (default ./<action id>)")
	fs.BoolVar(&o.json, "json", false, "print JSON lines on stdout")
	if ok, code := parse(fs, args); !ok {
		return code
	}
	rep := &reporter{json: o.json, stdout: a.Stdout, stderr: a.Stderr}
	if fs.NArg() > 0 {
		return a.badInput(rep, fmt.Errorf("unexpected argument %q (quote script arguments: --script \"NAME ARGS\")", fs.Arg(0)))
	}
	plan, err := o.plan()
	if err != nil {
		return a.badInput(rep, err)
	}
	conn, err := o.conn.resolve(a.Env)
	if err != nil {
		return a.badInput(rep, err)
	}
	if code, refused := a.refuseReadOnly(rep, conn, "mdlr run (it submits a live response action)"); refused {
		return code
	}
	sess, err := a.connect(ctx, conn, a.outRootFor(o.out, conn))
	if err != nil {
		return a.notSent(rep, err)
	}
	defer sess.Close()
	return a.runPlan(ctx, sess, rep, plan, o.out)
}

// plan builds the command list from the flags, in the API's order.
func (o *runOptions) plan() (state.Plan, error) {
	if strings.TrimSpace(o.device) == "" {
		return state.Plan{}, errors.New("--device is required (a device id or computer name)")
	}
	p := state.Plan{Device: state.Device{ID: strings.TrimSpace(o.device)}, Comment: strings.TrimSpace(o.comment)}
	for _, f := range o.putFiles {
		p.Commands = append(p.Commands, state.PlanCommand{Type: api.CommandPutFile, Name: strings.TrimSpace(f)})
	}
	for _, s := range o.scripts {
		p.Commands = append(p.Commands, state.ParseScriptFlag(s))
	}
	for _, g := range o.getFiles {
		p.Commands = append(p.Commands, state.PlanCommand{Type: api.CommandGetFile, Path: strings.TrimSpace(g)})
	}
	if len(p.Commands) == 0 {
		return p, errors.New("nothing to run: give at least one --putfile, --script or --getfile")
	}
	if p.Comment == "" {
		return p, errors.New("--comment is required (it is recorded with the action in Defender)")
	}
	return p.Ordered(), nil
}

func (a *App) outRoot(out string) string {
	if out != "" {
		return out
	}
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	return wd
}

// runPlan resolves the device, validates, submits and follows the action.
func (a *App) runPlan(ctx context.Context, sess *Session, rep *reporter, plan state.Plan, out string) int {
	m, err := resolveDevice(ctx, sess.API, plan.Device.ID)
	if err != nil {
		if errors.Is(err, errDeviceNotFound) {
			return a.badInput(rep, fmt.Errorf("device %q not found in the tenant (give its device id or computer name)", plan.Device.ID))
		}
		if errors.Is(err, errDeviceAmbiguous) {
			return a.badInput(rep, err)
		}
		return a.notSent(rep, err)
	}
	plan.Device = state.Device{ID: m.ID, Name: m.ComputerDNSName, OSPlatform: m.OSPlatform, HealthStatus: m.HealthStatus}
	lib, err := sess.API.ListLibraryFiles(ctx)
	if err != nil {
		if !api.IsForbidden(err) {
			return a.notSent(rep, err)
		}
		rep.progressf("warning: cannot list the library (%s); library names are not checked before submitting", api.Describe(err))
		lib = nil
	}
	if problems := plan.Validate(lib); len(problems) > 0 {
		return a.badInput(rep, problemsError(problems))
	}
	if plan.Device.HealthStatus != "" && plan.Device.HealthStatus != "Active" {
		rep.progressf("note: %s is %s: the action will queue until the device comes online, and time out if it does not", plan.Device.Name, plan.Device.HealthStatus)
	}
	view, err := sess.Engine.Submit(ctx, plan, out)
	if err != nil && outcomeUnknown(view) {
		// The action may exist: find it (never resubmit) before saying anything.
		view, err = a.resolveSubmission(ctx, sess, rep, view, err)
	}
	if err != nil {
		return a.notSent(rep, err)
	}
	rep.event(map[string]any{"event": "submitted", "actionId": view.ActionID, "deviceId": plan.Device.ID, "device": plan.Device.Name, "intentId": view.IntentID})
	rep.progressf("submitted action %s on %s (%d commands)", view.ActionID, plan.Device.Name, len(plan.Commands))
	return a.follow(ctx, sess, rep, view)
}

func problemsError(ps []state.Problem) error {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString("; ")
		}
		if p.Index >= 0 {
			fmt.Fprintf(&b, "command %d: ", p.Index+1)
		}
		b.WriteString(p.Message)
	}
	return errors.New(b.String())
}

// follow polls until the action is done, reporting every change.
func (a *App) follow(ctx context.Context, sess *Session, rep *reporter, view state.ActionView) int {
	tr := newTracker(rep)
	tr.report(view)
	for {
		res, err := sess.Engine.Poll(ctx)
		if err != nil && ctx.Err() == nil {
			rep.progressf("polling: %s (retrying)", api.Describe(err))
		}
		if v, ok := sess.Engine.Action(view.ActionID); ok {
			view = v
			tr.report(v)
		}
		if view.Done {
			break
		}
		wait := res.Next
		if wait <= 0 {
			wait = 3 * time.Second
		}
		if err := a.Sleep(ctx, wait); err != nil {
			rep.progressf("stopped following action %s; it keeps running on the device. Resume with: mdlr actions", view.ActionID)
			return ExitActionEnded
		}
	}
	rep.event(map[string]any{"event": "done", "actionId": view.ActionID, "status": view.Status})
	rep.progressf("action %s ended: %s", view.ActionID, view.Status)
	if view.Explain != "" {
		rep.progressf("%s", view.Explain)
	}
	if view.Status == api.StatusSucceeded {
		return ExitSucceeded
	}
	return ExitActionEnded
}

func (a *App) badInput(rep *reporter, err error) int {
	rep.event(map[string]any{"event": "error", "kind": "bad-input", "message": err.Error()})
	rep.progressf("mdlr: %s (nothing was sent)", err.Error())
	return ExitBadInput
}

func (a *App) notSent(rep *reporter, err error) int {
	msg := api.Describe(err)
	rep.event(map[string]any{"event": "error", "kind": "not-submitted", "message": msg})
	rep.progressf("mdlr: could not submit: %s", msg)
	return ExitNotSent
}
