package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"mdlr/ui/inert"
)

// cmdLogout implements `mdlr logout`: remove the saved sign-in (refresh
// token) of the selected profile, or of every profile with --all.
func (a *App) cmdLogout(ctx context.Context, args []string) int {
	var cf connFlags
	var all bool
	set := a.flagSet("logout")
	cf.register(set)
	set.BoolVar(&all, "all", false, "remove the saved sign-in of every profile")
	if ok, code := parse(set, args); !ok {
		return code
	}
	c, err := cf.settings(a.Env)
	if err != nil {
		fmt.Fprintf(a.Stderr, "mdlr: %s\n", inert.Text(err.Error()))
		return ExitBadInput
	}
	dir, err := sessionStateDir(c, a.Env)
	if err != nil {
		fmt.Fprintf(a.Stderr, "mdlr: %s\n", err)
		return ExitBadInput
	}
	paths := []string{TokenCachePath(dir, c.CacheName())}
	if all {
		paths, _ = filepath.Glob(filepath.Join(dir, "tokens", "*.json"))
	}
	removed := 0
	for _, p := range paths {
		err := os.Remove(p)
		switch {
		case err == nil:
			removed++
			fmt.Fprintf(a.Stdout, "signed out: removed the saved sign-in of profile %s (%s)\n", inert.Text(strings.TrimSuffix(filepath.Base(p), ".json")), inert.Text(p))
		case errors.Is(err, fs.ErrNotExist):
		default:
			fmt.Fprintf(a.Stderr, "mdlr: %s\n", inert.Text(err.Error()))
			return ExitNotSent
		}
	}
	if removed == 0 {
		if all {
			fmt.Fprintln(a.Stdout, "no saved sign-ins")
		} else {
			fmt.Fprintf(a.Stdout, "no saved sign-in for profile %s\n", inert.Text(c.CacheName()))
		}
	}
	return 0
}
