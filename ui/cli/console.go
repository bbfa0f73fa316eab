package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/keymap"
	"mdlr/ui"
	"mdlr/ui/common"
	"mdlr/ui/inert"
	"mdlr/ui/styles"
)

// cmdConsole opens the Bubble Tea console.
func (a *App) cmdConsole(ctx context.Context, args []string) int {
	var cf connFlags
	fs := a.flagSet("")
	cf.register(fs)
	if ok, code := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(a.Stderr, "mdlr: unknown command %q\n\n%s", fs.Arg(0), usage)
		return ExitBadInput
	}
	conn, err := cf.resolve(a.Env)
	if err != nil {
		fmt.Fprintf(a.Stderr, "mdlr: %s\n", err)
		return ExitBadInput
	}
	keys := keymap.Default()
	if err := keys.Apply(conn.Keys); err != nil {
		fmt.Fprintf(a.Stderr, "mdlr: config: %s\n", err)
		return ExitBadInput
	}
	outRoot := a.outRootFor("", conn)
	// Sign-in happens before the console opens: a device code is printed
	// on stderr like the CLI does (a sign-in screen can take over later
	// through SessionOptions.Prompt).
	sess, err := a.connect(ctx, conn, outRoot)
	if err != nil {
		fmt.Fprintf(a.Stderr, "mdlr: %s\n", inert.Text(api.Describe(err)))
		return ExitNotSent
	}
	defer sess.Close()
	_, errs := sess.Engine.Reattach(ctx)
	c := &common.Common{
		Ctx:      ctx,
		Styles:   styles.New(true),
		Keys:     &keys,
		API:      sess.API,
		Engine:   sess.Engine,
		Now:      time.Now,
		Tenant:   sess.Tenant,
		Demo:     conn.Demo,
		ReadOnly: conn.ReadOnly,
		OutRoot:  outRoot,
	}
	for _, err := range errs {
		fmt.Fprintf(a.Stderr, "mdlr: journal: %s\n", inert.Text(err.Error()))
	}
	p := tea.NewProgram(ui.New(c), tea.WithContext(ctx))
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, tea.ErrInterrupted) {
		fmt.Fprintf(a.Stderr, "mdlr: %s\n", err)
		return 1
	}
	return 0
}
