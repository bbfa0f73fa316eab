package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/keymap"
	"mdlr/ui"
	"mdlr/ui/common"
	"mdlr/ui/inert"
	"mdlr/ui/signin"
	"mdlr/ui/styles"
)

// cmdConsole opens the Bubble Tea console. It opens at once: sign-in runs
// on the console's sign-in screen. Choosing another profile in the console
// ends that run and starts a new one on the profile (a fresh session; the
// journal keeps the old session's actions).
func (a *App) cmdConsole(ctx context.Context, args []string) int {
	cf := connFlags{interactive: true}
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
	notice := strings.Join(conn.Warnings, "; ")
	for {
		next, code := a.runConsole(ctx, conn, notice)
		if next == "" || ctx.Err() != nil {
			return code
		}
		nc, err := ResolveConnection(a.Env, next, conn)
		if err != nil {
			notice = "profile " + next + ": " + err.Error()
			continue // back on the same connection, saying why
		}
		conn, notice = nc, strings.Join(append([]string{"switched to profile " + next}, nc.Warnings...), "; ")
	}
}

// runConsole runs the console once on conn. next is the profile chosen in
// the console's switcher ("" when the user quit).
func (a *App) runConsole(parent context.Context, conn Connection, notice string) (next string, code int) {
	keys := keymap.Default()
	if err := keys.Apply(conn.Keys); err != nil {
		fmt.Fprintf(a.Stderr, "mdlr: config: %s\n", err)
		return "", ExitBadInput
	}
	outRoot := a.outRootFor("", conn)
	ctx, cancel := context.WithCancel(parent)
	sessions := &consoleSessions{}
	defer sessions.closeAll(cancel)
	c := &common.Common{
		Ctx: ctx, Styles: styles.New(true), Keys: &keys, Now: time.Now,
		Demo: conn.Demo, ReadOnly: conn.ReadOnly, OutRoot: outRoot,
	}
	if !conn.Demo {
		c.Tenant = conn.TenantID
	}
	connect := a.consoleConnect(conn, outRoot, sessions)
	opts := []ui.Option{ui.WithNotice(notice), ui.WithProfiles(func() (ui.Profiles, error) {
		l, err := Profiles(a.Env)
		return ui.Profiles{Names: l.Names, File: l.File}, err
	}, conn.Profile)}
	if conn.Demo && conn.SignIn == SignInSecret {
		// The simulated tenant with its app secret: nothing to wait for,
		// so the console opens straight on the devices.
		s, err := connect(ctx, signin.Events{})
		if err != nil {
			fmt.Fprintf(a.Stderr, "mdlr: %s\n", inert.Text(api.Describe(err)))
			return "", ExitNotSent
		}
		opts = append(opts, ui.WithSession(s))
	} else {
		label := signin.Label{Mode: conn.SignIn, Profile: conn.Profile}
		if !conn.Demo {
			label.Tenant = conn.TenantID
		}
		opts = append(opts, ui.WithSignIn(connect, label))
	}
	p := tea.NewProgram(ui.New(c, opts...), tea.WithContext(ctx))
	final, err := p.Run()
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, tea.ErrInterrupted) {
		fmt.Fprintf(a.Stderr, "mdlr: %s\n", err)
		return "", 1
	}
	if m, ok := final.(*ui.Model); ok {
		if name, ok := m.SwitchProfile(); ok {
			return name, 0
		}
	}
	return "", 0
}

// consoleConnect is the console's sign-in: Connect with the screen's
// prompt and notices, a first token (so a wrong secret or certificate is
// reported on the sign-in screen), and the journal's actions reattached.
func (a *App) consoleConnect(conn Connection, outRoot string, sessions *consoleSessions) signin.ConnectFunc {
	return func(ctx context.Context, ev signin.Events) (signin.Session, error) {
		done, ok := sessions.begin()
		if !ok {
			return signin.Session{}, errors.New("the console is closing")
		}
		defer done()
		so := SessionOptions{OutRoot: outRoot, Now: a.Now, Sleep: a.ClientSleep, Prompt: ev.Prompt, Notice: ev.Notice}
		sess, err := a.Connect(ctx, conn, a.Env, so)
		if err != nil {
			return signin.Session{}, err
		}
		closeOnce := sessions.add(sess)
		if _, err := sess.Client.Identity(ctx); err != nil {
			closeOnce()
			return signin.Session{}, err
		}
		_, errs := sess.Engine.Reattach(ctx)
		var notes []string
		for _, e := range errs {
			notes = append(notes, "journal: "+e.Error())
		}
		return signin.Session{
			API: sess.API, Engine: sess.Engine, Tenant: sess.Tenant, StateDir: sess.Conn.StateDir,
			Claims: sess.Client.Identity, Notes: notes, Close: closeOnce, QueueWindow: sess.QueueWindow,
		}, nil
	}
}

// consoleSessions are the sessions one console run opened; they are closed
// when it ends, after any sign-in still running has returned.
type consoleSessions struct {
	mu      sync.Mutex
	wg      sync.WaitGroup
	closing bool
	closers []func()
}

// begin registers a running sign-in (ok false: the run is ending).
func (s *consoleSessions) begin() (done func(), ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return nil, false
	}
	s.wg.Add(1)
	return s.wg.Done, true
}

// add records sess and returns its idempotent Close.
func (s *consoleSessions) add(sess *Session) func() {
	var once sync.Once
	closeFn := func() { once.Do(sess.Close) }
	s.mu.Lock()
	s.closers = append(s.closers, closeFn)
	s.mu.Unlock()
	return closeFn
}

// signInGrace bounds how long the end of a run waits for a cancelled
// sign-in (an az process, a token request) to return.
const signInGrace = 5 * time.Second

// closeAll cancels the run's context, waits for sign-ins to return and
// closes every session.
func (s *consoleSessions) closeAll(cancel context.CancelFunc) {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	cancel()
	waited := make(chan struct{})
	go func() { s.wg.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(signInGrace):
	}
	s.mu.Lock()
	closers := s.closers
	s.mu.Unlock()
	for _, c := range closers {
		c()
	}
}
