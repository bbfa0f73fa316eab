package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"mdlr/api"
	"mdlr/api/mdesim"
	"mdlr/state"
)

// Session is a connected tenant: the API client, the journal-backed
// engine, and what to close when done.
type Session struct {
	Conn    Connection
	API     api.Service
	Engine  *state.Engine
	Journal *state.Journal
	Tenant  string // label for journals and the status bar
	closers []func() error
}

// Close releases the session (stops the in-process simulated tenant).
func (s *Session) Close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		_ = s.closers[i]()
	}
}

// demoOptions reads the simulated tenant's knobs from the environment.
func demoOptions(env Env) mdesim.Options {
	o := mdesim.Options{TimeScale: 10}
	if n, err := strconv.Atoi(env("MDLR_DEMO_DEVICES")); err == nil && n > 0 {
		o.Devices = n
	}
	if f, err := strconv.ParseFloat(env("MDLR_DEMO_TIME_SCALE"), 64); err == nil && f > 0 {
		o.TimeScale = f
	}
	return o
}

// SessionOptions are the process-level choices a Session is built with.
type SessionOptions struct {
	// OutRoot is the default download root (one folder per action).
	OutRoot string
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Sleep is how the API client waits (nil: a real timer).
	Sleep func(ctx context.Context, d time.Duration) error
}

// Connect builds a Session for c. In demo mode it starts the simulated
// tenant on a loopback port and signs in to it like a real tenant.
func Connect(ctx context.Context, c Connection, env Env, so SessionOptions) (*Session, error) {
	s := &Session{Conn: c, Tenant: c.TenantID}
	queueWindow := time.Duration(0) // the engine's default (the stricter documented 2h)
	stateDir := c.StateDir
	if stateDir == "" {
		d, err := state.DefaultStateDir()
		if err != nil {
			return nil, err
		}
		stateDir = d
	}
	if c.Demo {
		stateDir = filepath.Join(stateDir, "demo")
		opts := demoOptions(env)
		opts.StateFile = filepath.Join(stateDir, "simulated-tenant.json")
		sim := mdesim.New(opts)
		queueWindow = sim.Scaled(state.DefaultQueueWindow)
		srv, err := sim.Start("127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("start the simulated tenant: %w", err)
		}
		s.closers = append(s.closers, srv.Close)
		c.TenantID, c.ClientID, c.ClientSecret = mdesim.DemoTenantID, mdesim.DemoClientID, mdesim.DemoClientSecret
		c.APIURL, c.AuthorityHost = srv.URL, srv.URL
		s.Tenant = "DEMO"
	}
	client, err := api.New(api.Config{
		BaseURL:      c.APIURL,
		TokenURL:     api.TokenURLFor(c.AuthorityHost, c.TenantID),
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		Scope:        c.Scope,
		UserAgent:    "mdlr",
		Now:          so.Now,
		Sleep:        so.Sleep,
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	j, err := state.OpenJournal(stateDir)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.API, s.Journal = client, j
	s.Engine = state.NewEngine(client, j, state.EngineOptions{Tenant: s.Tenant, OutRoot: so.OutRoot, Now: so.Now, QueueWindow: queueWindow})
	return s, nil
}
