package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/inert"
)

// cmdActions implements `mdlr actions`: every action in the journal,
// reattached and refreshed with one poll round (which also fetches results
// and finishes downloads that a crash interrupted).
func (a *App) cmdActions(ctx context.Context, args []string) int {
	sess, asJSON, code := a.sessionCommand(ctx, "actions", args)
	if sess == nil {
		return code
	}
	defer sess.Close()
	_, errs := sess.Engine.Reattach(ctx)
	for _, err := range errs {
		fmt.Fprintf(a.Stderr, "mdlr: journal: %s\n", inert.Text(err.Error()))
	}
	if _, err := sess.Engine.Poll(ctx); err != nil {
		fmt.Fprintf(a.Stderr, "mdlr: refreshing actions: %s (showing what the journal knows)\n", inert.Text(api.Describe(err)))
	}
	views := sess.Engine.Actions()
	if asJSON {
		return writeJSONList(a, views)
	}
	if len(views) == 0 {
		fmt.Fprintln(a.Stderr, "no actions in the journal yet")
		return 0
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tDEVICE\tACTION\tCREATED\tCOMMANDS\tCOMMENT")
	for _, v := range views {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", inert.Text(v.Status), inert.Text(v.DeviceName), inert.Text(v.ActionID),
			v.Created.UTC().Format(time.DateTime), commandSummary(v), inert.Text(v.Comment))
	}
	_ = tw.Flush()
	return 0
}

// commandSummary counts a view's commands by state, e.g. "2 completed, 1 failed".
func commandSummary(v state.ActionView) string {
	counts := map[state.CommandState]int{}
	for _, c := range v.Commands {
		counts[c.State]++
	}
	var parts []string
	for _, s := range []state.CommandState{state.CmdCompleted, state.CmdRunning, state.CmdWaiting, state.CmdFailed, state.CmdStopped, state.CmdNotRun} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	return strings.Join(parts, ", ")
}

// cmdCancel implements `mdlr cancel ACTION_ID --comment TEXT`.
func (a *App) cmdCancel(ctx context.Context, args []string) int {
	var cf connFlags
	var comment string
	fs := a.flagSet("cancel")
	cf.register(fs)
	fs.StringVar(&comment, "comment", "", "why the action is cancelled (required)")
	// Accept the action id before or after the flags.
	var id string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	if ok, code := parse(fs, args); !ok {
		return code
	}
	if id == "" && fs.NArg() > 0 {
		id = fs.Arg(0)
	}
	rep := &reporter{stdout: a.Stdout, stderr: a.Stderr}
	if id == "" {
		return a.badInput(rep, errors.New("usage: mdlr cancel ACTION_ID --comment TEXT"))
	}
	if strings.TrimSpace(comment) == "" {
		return a.badInput(rep, errors.New("--comment is required (it is recorded with the cancellation)"))
	}
	conn, err := cf.resolve(a.Env)
	if err != nil {
		return a.badInput(rep, err)
	}
	if code, refused := a.refuseReadOnly(rep, conn, "mdlr cancel"); refused {
		return code
	}
	sess, code := a.sessionFor(ctx, conn)
	if sess == nil {
		return code
	}
	defer sess.Close()
	sess.Engine.Reattach(ctx)
	v, err := sess.Engine.Cancel(ctx, id, strings.TrimSpace(comment))
	if err != nil {
		rep.progressf("mdlr: could not cancel %s: %s", id, api.Describe(err))
		return ExitNotSent
	}
	rep.progressf("action %s: %s", v.ActionID, v.Status)
	return 0
}
