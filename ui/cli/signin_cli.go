package cli

import (
	"fmt"
	"time"

	"mdlr/api"
	"mdlr/ui/inert"
)

// sessionOptions are the CLI's SessionOptions: the device code and sign-in
// notices are printed on stderr (stdout stays clean for --json), and the
// connection's warnings are printed once.
func (a *App) sessionOptions(c Connection, outRoot string) SessionOptions {
	for _, w := range c.Warnings {
		fmt.Fprintf(a.Stderr, "mdlr: warning: %s\n", inert.Text(w))
	}
	if outRoot == "" {
		outRoot = a.outRoot("")
	}
	return SessionOptions{
		OutRoot: outRoot, Now: a.Now, Sleep: a.ClientSleep,
		Prompt: func(p api.DevicePrompt) {
			fmt.Fprintf(a.Stderr, "%s\nwaiting for sign-in (ctrl+c cancels)...\n", inert.Text(devicePromptLine(p, time.Now())))
		},
		Notice: func(msg string) { fmt.Fprintf(a.Stderr, "mdlr: %s\n", inert.Text(msg)) },
	}
}

// outRootFor is the download root: --out, else the profile's download_dir,
// else the working directory.
func (a *App) outRootFor(out string, c Connection) string {
	if out == "" && c.DownloadDir != "" {
		return c.DownloadDir
	}
	return a.outRoot(out)
}

// refuseReadOnly reports whether a command that changes the tenant must be
// refused, printing why.
func (a *App) refuseReadOnly(rep *reporter, c Connection, what string) (int, bool) {
	if !c.ReadOnly {
		return 0, false
	}
	from := c.Origins["read_only"]
	return a.badInput(rep, fmt.Errorf("read-only mode (%s): %s is not allowed; drop --read-only or use a profile without read_only", from, what)), true
}
