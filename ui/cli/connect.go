package cli

import (
	"context"
	"fmt"
	"os"
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
	Client  *api.Client // the same client as API, for Identity
	Engine  *state.Engine
	Journal *state.Journal
	Tenant  string // label for journals and the status bar
	// QueueWindow is how long an offline device's action stays queued.
	QueueWindow time.Duration
	closers     []func() error
}

// Close releases the session (stops the in-process simulated tenant).
func (s *Session) Close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		_ = s.closers[i]()
	}
}

// demoOptions reads the simulated tenant's knobs from the environment.
func demoOptions(env Env) mdesim.Options {
	// Device sign-in in demo: approved automatically after 3s, polled every second.
	o := mdesim.Options{TimeScale: 10, DeviceCodeInterval: time.Second}
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
	// Prompt shows a device code to the user (device code sign-in only;
	// nil: the code is not shown, so sign-in can only succeed from the cache).
	Prompt func(api.DevicePrompt)
	// Notice receives one-line messages about sign-in (e.g. a cached sign-in
	// that expired). nil: dropped.
	Notice func(string)
}

// Connect builds a Session for c. In demo mode it starts the simulated
// tenant on a loopback port and signs in to it like a real tenant. Sign-in
// (a device code prompt included) happens here; cancel ctx to abandon it.
func Connect(ctx context.Context, c Connection, env Env, so SessionOptions) (*Session, error) {
	s := &Session{Conn: c, Tenant: c.TenantID}
	queueWindow := c.QueueWindow // 0: the engine's default (the stricter documented 2h)
	stateDir, err := sessionStateDir(c, env)
	if err != nil {
		return nil, err
	}
	if c.Demo {
		opts := demoOptions(env)
		opts.StateFile = filepath.Join(stateDir, "simulated-tenant.json")
		sim := mdesim.New(opts)
		if queueWindow == 0 {
			queueWindow = sim.Scaled(state.DefaultQueueWindow)
		}
		srv, err := sim.Start("127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("start the simulated tenant: %w", err)
		}
		s.closers = append(s.closers, srv.Close)
		var err2 error
		if c, err2 = demoConnection(c, srv.URL, stateDir); err2 != nil {
			s.Close()
			return nil, err2
		}
		s.Tenant = "DEMO"
	}
	c.StateDir = stateDir
	s.Conn = c
	cfg := api.Config{
		BaseURL:      c.APIURL,
		TokenURL:     api.TokenURLFor(c.AuthorityHost, c.TenantID),
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		Scope:        c.Scope,
		Limits:       c.Limits,
		UserAgent:    "mdlr",
		Now:          so.Now,
		Sleep:        so.Sleep,
	}
	var client *api.Client
	if c.SignIn == SignInSecret {
		client, err = api.New(cfg)
	} else {
		signer := &Signer{Conn: c, Prompt: so.Prompt, Notice: so.Notice, Now: so.Now}
		ts, serr := signer.TokenSource(ctx)
		if serr != nil {
			s.Close()
			if ctx.Err() != nil {
				return nil, fmt.Errorf("sign-in cancelled: %w", ctx.Err())
			}
			return nil, serr
		}
		client, err = api.NewWithTokenSource(cfg, ts)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	j, err := state.OpenJournal(stateDir)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.API, s.Client, s.Journal = client, client, j
	s.closers = append(s.closers, func() error { client.CloseIdleConnections(); return nil })
	s.QueueWindow = queueWindow
	if s.QueueWindow <= 0 {
		s.QueueWindow = state.DefaultQueueWindow
	}
	s.Engine = state.NewEngine(client, j, state.EngineOptions{Tenant: s.Tenant, OutRoot: so.OutRoot, Now: so.Now, QueueWindow: queueWindow,
		Identity: sessionIdentity(client, c.ClientID)})
	return s, nil
}

// demoConnection points c at the in-process simulated tenant at url,
// keeping the chosen sign-in mode so every mode can be tried without a tenant.
func demoConnection(c Connection, url, stateDir string) (Connection, error) {
	c.TenantID, c.ClientID = mdesim.DemoTenantID, mdesim.DemoClientID
	c.APIURL, c.AuthorityHost = url, url
	c.Scope = api.DefaultScope
	c.ClientSecret, c.CertificatePath, c.CertificatePassword = "", "", ""
	switch c.SignIn {
	case SignInSecret, "":
		c.SignIn = SignInSecret
		c.ClientSecret = mdesim.DemoClientSecret
	case SignInDeviceCode:
	case SignInCertificate:
		path, err := writeDemoCertificate(stateDir)
		if err != nil {
			return c, err
		}
		c.CertificatePath = path
	default:
		return c, fmt.Errorf("the simulated tenant does not support %s sign-in: use secret, certificate or devicecode with --demo", c.SignIn)
	}
	return c, nil
}

// writeDemoCertificate writes the simulated tenant's published demo
// certificate and key (they open nothing else) into the demo state folder,
// so certificate sign-in can be tried with --demo.
func writeDemoCertificate(stateDir string) (string, error) {
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(stateDir, "demo-certificate.pem")
	if err := os.WriteFile(path, mdesim.DemoCertificatePEM(), 0o600); err != nil {
		return "", fmt.Errorf("write the demo certificate: %w", err)
	}
	return path, nil
}
