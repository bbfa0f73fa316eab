// Package cli implements mdlr's subcommands: the headless live response
// runner and listings, the simulated tenant server, and the console launcher.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"mdlr/api"
)

// App holds the process's outside world, so tests can run subcommands in-process.
type App struct {
	Stdout, Stderr io.Writer
	Env            Env
	// Connect builds a Session (Connect in production; tests may wrap it).
	Connect func(ctx context.Context, c Connection, env Env, so SessionOptions) (*Session, error)
	// Now is the clock for the engine and the API client (nil: time.Now).
	Now func() time.Time
	// ClientSleep is how the API client waits on Retry-After and backoff (nil: real timers).
	ClientSleep func(ctx context.Context, d time.Duration) error
	// Sleep waits between polls; it returns ctx.Err() when cancelled.
	Sleep func(ctx context.Context, d time.Duration) error
	// Version is printed by `mdlr version`.
	Version string
}

// NewApp returns an App wired to real connections and timers.
func NewApp(stdout, stderr io.Writer, env Env) *App {
	return &App{Stdout: stdout, Stderr: stderr, Env: env, Connect: Connect, Sleep: api.SleepContext, Version: "dev"}
}

const usage = `mdlr — a terminal console for Microsoft Defender for Endpoint live response

usage:
  mdlr [--demo] [connection flags]         open the console (the simulated tenant when no credentials are set)
  mdlr run --device ID|NAME [--putfile NAME]... [--script "NAME [ARGS]"]... [--getfile PATH]...
           --comment TEXT [--out DIR] [--json] [--demo]
  mdlr devices [--filter TEXT] [--json]    list devices
  mdlr library [--json]                    list the live response library
  mdlr actions [--json]                    actions started here (from the journal), refreshed
  mdlr cancel ACTION_ID --comment TEXT     cancel a running action
  mdlr sim [--addr 127.0.0.1:PORT]         serve the simulated tenant for other consoles
  mdlr verify [--json] DIR                 re-check a download folder against its evidence manifest
  mdlr audit [verify] [--json]             print the audit log of tenant changes, or check its hash chain
  mdlr whoami [--json]                     who you are signed in as, and which permissions are missing
  mdlr config [--json]                     the effective configuration and where each value came from
  mdlr logout [--profile P] [--all]        remove the saved sign-in (device code refresh token)
  mdlr version | help

Run "mdlr COMMAND -h" for a command's flags. Sign in with --sign-in secret|certificate|devicecode|azcli
(or a profile: --profile NAME, MDLR_PROFILE). Secrets come from the environment (AZURE_CLIENT_SECRET or
MDLR_CLIENT_SECRET_FILE, AZURE_CLIENT_CERTIFICATE_PASSWORD), never from flags or the config file.
`

// Main runs mdlr with args (without the program name) and returns the exit code.
func (a *App) Main(ctx context.Context, args []string) int {
	cmd, rest := "", args
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, rest = args[0], args[1:]
	}
	switch cmd {
	case "":
		return a.cmdConsole(ctx, rest)
	case "run":
		return a.cmdRun(ctx, rest)
	case "devices":
		return a.cmdDevices(ctx, rest)
	case "library":
		return a.cmdLibrary(ctx, rest)
	case "actions":
		return a.cmdActions(ctx, rest)
	case "cancel":
		return a.cmdCancel(ctx, rest)
	case "sim":
		return a.cmdSim(ctx, rest)
	case "verify":
		return a.cmdVerify(ctx, rest)
	case "audit":
		return a.cmdAudit(ctx, rest)
	case "whoami":
		return a.cmdWhoami(ctx, rest)
	case "config":
		return a.cmdConfig(ctx, rest)
	case "logout":
		return a.cmdLogout(ctx, rest)
	case "version":
		fmt.Fprintln(a.Stdout, "mdlr", a.Version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(a.Stdout, usage)
		return 0
	default:
		fmt.Fprintf(a.Stderr, "mdlr: unknown command %q\n\n%s", cmd, usage)
		return ExitBadInput
	}
}

// connect builds a session with the App's clock; sign-in prompts and
// warnings go to stderr (see signin_cli.go).
func (a *App) connect(ctx context.Context, c Connection, outRoot string) (*Session, error) {
	return a.Connect(ctx, c, a.Env, a.sessionOptions(c, outRoot))
}

// flagSet returns a FlagSet that reports errors on stderr without exiting.
func (a *App) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("mdlr "+name, flag.ContinueOnError)
	fs.SetOutput(a.Stderr)
	return fs
}

// parse parses flags and reports whether the caller should go on; -h is
// not an error.
func parse(fs *flag.FlagSet, args []string) (ok bool, code int) {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return false, 0
	}
	if err != nil {
		return false, ExitBadInput
	}
	return true, 0
}
