package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/inert"
)

// Exit codes of mdlr audit verify.
const (
	ExitAuditIntact   = 0
	ExitAuditTampered = 1
)

// sessionIdentity names who a session acts as, for the audit log: the
// upn (or app id) and object id of the token the client already holds
// (decoded, not verified; no sign-in is started for it), else the
// configured client id. It never returns the token.
func sessionIdentity(client *api.Client, clientID string) func(context.Context) string {
	return func(context.Context) string {
		if client != nil {
			if c, ok := client.HeldIdentity(); ok {
				if who := identityLabel(c); who != "" {
					return who
				}
			}
		}
		if clientID != "" {
			return "app:" + clientID
		}
		return ""
	}
}

// identityLabel is "upn (oid X)" for a user, "app:APPID (oid X)" for an app.
func identityLabel(c api.Claims) string {
	who := c.UPN
	if who == "" && c.AppID != "" {
		who = "app:" + c.AppID
	}
	switch {
	case c.ObjectID == "":
		return who
	case who == "":
		return "oid:" + c.ObjectID
	default:
		return who + " (oid " + c.ObjectID + ")"
	}
}

// auditUsage is the help of mdlr audit.
const auditUsage = `usage: mdlr audit [--json] [--demo] [--state-dir DIR]
       mdlr audit verify [--json] [--demo] [--state-dir DIR]

Prints the audit log of everything mdlr changed in the tenant (submit, cancel,
library upload and delete: intent before the call, outcome after), or checks
its hash chain. verify exits 0 when the log is intact, 1 when an entry was
modified, removed, reordered or cut short, 2 on bad input.`

// cmdAudit implements `mdlr audit` and `mdlr audit verify`.
func (a *App) cmdAudit(ctx context.Context, args []string) int {
	verify := false
	if len(args) > 0 && args[0] == "verify" {
		verify, args = true, args[1:]
	}
	var cf connFlags
	var asJSON bool
	fs := a.flagSet("audit")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), auditUsage); fs.PrintDefaults() }
	cf.register(fs)
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	if ok, code := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(a.Stderr, "mdlr audit: unexpected argument %q\n\n%s\n", inert.Text(fs.Arg(0)), auditUsage)
		return ExitBadInput
	}
	c, err := cf.settings(a.Env)
	if err != nil {
		fmt.Fprintf(a.Stderr, "mdlr: %s\n", inert.Text(err.Error()))
		return ExitBadInput
	}
	dir, err := sessionStateDir(c, a.Env)
	if err != nil {
		fmt.Fprintf(a.Stderr, "mdlr: %s\n", inert.Text(err.Error()))
		return ExitBadInput
	}
	if verify {
		return a.auditVerify(dir, asJSON)
	}
	return a.auditList(dir, asJSON)
}

// auditList prints every readable entry; unreadable lines are named on
// stderr (run verify to check the chain).
func (a *App) auditList(dir string, asJSON bool) int {
	entries, err := state.ReadAudit(dir)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(a.Stderr, "mdlr: %s\n", inert.Text(line))
		}
	}
	if asJSON {
		return writeJSONList(a, entries)
	}
	if len(entries) == 0 {
		fmt.Fprintln(a.Stderr, "no audit entries yet")
		return 0
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tTIME (UTC)\tKIND\tPHASE\tRESULT\tIDENTITY\tDEVICE\tACTION / FILE\tDETAIL")
	for _, e := range entries {
		target, device := e.ActionID, e.DeviceName
		if e.File != nil {
			target = e.File.Name
		}
		if device == "" {
			device = e.DeviceID
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.Time.UTC().Format(time.DateTime),
			inert.Text(e.Kind), inert.Text(e.Phase), inert.Text(e.Result), inert.Text(e.Identity),
			inert.Text(device), inert.Text(target), inert.Text(auditDetail(e)))
	}
	_ = tw.Flush()
	return 0
}

// maxDetail bounds the DETAIL column.
const maxDetail = 80

// auditDetail is a short human summary of an entry's payload.
func auditDetail(e state.AuditEntry) string {
	var s string
	switch {
	case e.Error != "":
		s = e.Error
	case e.Comment != "":
		s = "comment: " + e.Comment
	case e.File != nil && e.File.SHA256 != "":
		s = fmt.Sprintf("%d bytes sha256 %s", e.File.Size, e.File.SHA256[:min(12, len(e.File.SHA256))])
	case len(e.Request) > 0:
		s = string(e.Request)
	}
	if r := []rune(s); len(r) > maxDetail {
		s = string(r[:maxDetail-1]) + "…"
	}
	return s
}

// auditVerify checks the chain and prints the findings.
func (a *App) auditVerify(dir string, asJSON bool) int {
	rep, err := state.VerifyAudit(dir)
	if err != nil {
		fmt.Fprintf(a.Stderr, "mdlr: %s\n", inert.Text(err.Error()))
		return ExitBadInput
	}
	code := ExitAuditIntact
	if !rep.Intact() {
		code = ExitAuditTampered
	}
	if asJSON {
		out := struct {
			state.AuditReport
			Intact bool `json:"intact"`
		}{rep, rep.Intact()}
		if c := writeJSON(a, out); c != 0 {
			return c
		}
		return code
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(a.Stdout, "note: %s\n", inert.Text(n.String()))
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(a.Stdout, "TAMPERED: %s\n", inert.Text(p.String()))
	}
	if rep.Intact() {
		fmt.Fprintf(a.Stdout, "audit log intact: %d entries, %s\n", rep.Entries, inert.Text(rep.Path))
	} else {
		fmt.Fprintf(a.Stdout, "audit log NOT intact: %d problem(s) in %s\n", len(rep.Problems), inert.Text(rep.Path))
	}
	return code
}
