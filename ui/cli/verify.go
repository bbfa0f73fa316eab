package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"mdlr/state"
	"mdlr/ui/inert"
)

// Exit codes of mdlr verify.
const (
	ExitVerifyOK       = 0 // every listed file present and matching
	ExitVerifyMismatch = 1 // a file is missing, changed, or unsafe
)

const verifyUsage = `usage: mdlr verify [--json] DIR

Re-checks an action's download folder against its evidence manifest
(manifest.json): every listed file must be present with the recorded size and
sha256. Files the manifest does not list are reported as a note.
Exit: 0 all good, 1 a file is missing or does not match, 2 bad input (no manifest).`

// cmdVerify implements `mdlr verify DIR`.
func (a *App) cmdVerify(_ context.Context, args []string) int {
	var asJSON bool
	fs := a.flagSet("verify")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), verifyUsage); fs.PrintDefaults() }
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
	// Accept DIR before or after the flags.
	var dir string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		dir, args = args[0], args[1:]
	}
	if ok, code := parse(fs, args); !ok {
		return code
	}
	if dir == "" && fs.NArg() > 0 {
		dir = fs.Arg(0)
	}
	if dir == "" || fs.NArg() > 1 || (fs.NArg() == 1 && dir != fs.Arg(0)) {
		fmt.Fprintf(a.Stderr, "mdlr verify: one folder is required\n\n%s\n", verifyUsage)
		return ExitBadInput
	}
	rep, err := state.VerifyFolder(dir)
	if err != nil {
		fmt.Fprintf(a.Stderr, "mdlr verify: %s\n", inert.Text(err.Error()))
		return ExitBadInput
	}
	code := ExitVerifyOK
	if !rep.OK() {
		code = ExitVerifyMismatch
	}
	if asJSON {
		out := struct {
			state.FolderReport
			OK bool `json:"ok"`
		}{rep, rep.OK()}
		if c := writeJSON(a, out); c != 0 {
			return c
		}
		return code
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tFILE\tSIZE\tSHA256\tDEVICE\tDEVICE PATH\tCMD")
	for _, c := range rep.Files {
		f := c.File
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%d\n", c.Status, inert.Text(f.LocalPath), f.Size, shortHash(f.SHA256),
			inert.Text(f.DeviceName), inert.Text(f.DevicePath), f.CommandIndex)
	}
	_ = tw.Flush()
	for _, c := range rep.Files {
		if c.Status == state.CheckSize || c.Status == state.CheckHash {
			fmt.Fprintf(a.Stdout, "%s: now %d bytes, sha256 %s (manifest: %d bytes, %s)\n", inert.Text(c.File.LocalPath),
				c.GotSize, c.GotSHA256, c.File.Size, inert.Text(c.File.SHA256))
		}
	}
	for _, x := range rep.Extra {
		fmt.Fprintf(a.Stdout, "note: %s is not in the manifest\n", inert.Text(x))
	}
	if rep.OK() {
		fmt.Fprintf(a.Stdout, "%d file(s) verified\n", len(rep.Files))
	} else {
		fmt.Fprintln(a.Stdout, "VERIFICATION FAILED")
	}
	return code
}

// shortHash shows the first 16 hex digits of a sha256.
func shortHash(h string) string {
	r := []rune(inert.Text(h))
	if len(r) > 16 {
		return string(r[:16]) + "…"
	}
	return string(r)
}
