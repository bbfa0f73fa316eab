// Command mdlr is a terminal console and headless CLI for Microsoft
// Defender for Endpoint live response. With no credentials it runs against
// a built-in simulated tenant (DEMO).
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"mdlr/ui/cli"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// memoryLimit is the soft heap limit: the console holds up to 100,000
// devices and must stay well under 200 MB; GOMEMLIMIT overrides it.
const memoryLimit = 150 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	// SIGINT, SIGTERM and SIGHUP (a dropped SSH session) cancel the context:
	// the journal is already on disk, the console restores the terminal.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	app := cli.NewApp(os.Stdout, os.Stderr, os.Getenv)
	app.Version = version
	code := app.Main(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
