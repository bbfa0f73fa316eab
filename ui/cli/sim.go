package cli

import (
	"context"
	"fmt"
	"net"

	"mdlr/api/mdesim"
)

// cmdSim implements `mdlr sim`: serve the simulated tenant on a loopback
// address so several consoles (a tabletop exercise) share one tenant.
func (a *App) cmdSim(ctx context.Context, args []string) int {
	var addr string
	var devices int
	var scale float64
	var seed int64
	fs := a.flagSet("sim")
	fs.StringVar(&addr, "addr", "127.0.0.1:0", "loopback address to listen on")
	fs.IntVar(&devices, "devices", 250, "fleet size (up to 100000)")
	fs.Float64Var(&scale, "time-scale", 10, "speed-up: command durations and the offline queue window are divided by this")
	fs.Int64Var(&seed, "seed", 1, "fleet seed")
	if ok, code := parse(fs, args); !ok {
		return code
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil || !isLoopbackHost(host) {
		fmt.Fprintf(a.Stderr, "mdlr sim: --addr must be a loopback address such as 127.0.0.1:8443 (got %q)\n", addr)
		return ExitBadInput
	}
	if devices < 1 || devices > 100000 || scale <= 0 {
		fmt.Fprintln(a.Stderr, "mdlr sim: --devices must be 1..100000 and --time-scale positive")
		return ExitBadInput
	}
	sim := mdesim.New(mdesim.Options{Devices: devices, TimeScale: scale, Seed: seed})
	srv, err := sim.Start(addr)
	if err != nil {
		fmt.Fprintf(a.Stderr, "mdlr sim: %s\n", err)
		return ExitNotSent
	}
	defer srv.Close()
	fmt.Fprintf(a.Stdout, `simulated Defender tenant listening on %s (%d devices, %gx speed)
point a console or the CLI at it with:

  export AZURE_TENANT_ID=%s
  export AZURE_CLIENT_ID=%s
  export AZURE_CLIENT_SECRET=%s   # the simulator's fixed demo secret, not a real one
  export AZURE_AUTHORITY_HOST=%s
  export MDLR_API_URL=%s
  mdlr

to sign in as a person instead, add --sign-in devicecode: the code is approved
automatically after a few seconds, or at once on %s/devicelogin

stop with ctrl+c
`, srv.URL, devices, scale, mdesim.DemoTenantID, mdesim.DemoClientID, mdesim.DemoClientSecret, srv.URL, srv.URL, srv.URL)
	<-ctx.Done()
	return 0
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
