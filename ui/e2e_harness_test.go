package ui

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"mdlr/api"
	"mdlr/api/mdesim"
	"mdlr/keymap"
	"mdlr/state"
	"mdlr/ui/common"
	"mdlr/ui/styles"
)

// fakeClock is a settable clock shared by the simulated tenant, the API
// client, the engine and the console's timers.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{now: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock and fires every timer that is due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	keep := c.timers[:0]
	for _, t := range c.timers {
		if t.at.After(c.now) {
			keep = append(keep, t)
			continue
		}
		t.ch <- c.now
	}
	c.timers = keep
}

// After returns a channel that receives once the clock reaches now+d.
func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.timers = append(c.timers, fakeTimer{at: c.now.Add(d), ch: ch})
	return ch
}

// Sleep is the API client's wait: it moves the clock instead of blocking.
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.Advance(d)
	return ctx.Err()
}

// ticker is the console's timer on the fake clock; it gives up when ctx ends.
func (c *fakeClock) ticker(ctx context.Context) func(time.Duration, func(time.Time) tea.Msg) tea.Cmd {
	return func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		ch := c.After(d)
		return func() tea.Msg {
			select {
			case at := <-ch:
				return fn(at)
			case <-ctx.Done():
				return nil
			}
		}
	}
}

// simStack is the production wiring on a simulated tenant: one sim served
// over loopback HTTP, and a journal and download folder that outlive any
// one console (so a test can restart the console on them).
type simStack struct {
	sim     *mdesim.Sim
	url     string
	clock   *fakeClock
	journal string
	out     string
}

func newSimStack(t *testing.T) *simStack {
	t.Helper()
	clock := newFakeClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	sim := mdesim.New(mdesim.Options{Devices: 60, Seed: 7, Now: clock.Now})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return &simStack{sim: sim, url: srv.URL, clock: clock, journal: t.TempDir(), out: t.TempDir()}
}

// console builds a client, engine (reattached to the journal) and root
// model, as ui/cli does at start.
func (s *simStack) console(t *testing.T) (*Model, *state.Engine) {
	t.Helper()
	client, err := api.New(api.Config{
		BaseURL: s.url, TokenURL: mdesim.TokenURL(s.url, mdesim.DemoTenantID),
		ClientID: mdesim.DemoClientID, ClientSecret: mdesim.DemoClientSecret,
		Now: s.clock.Now, Sleep: s.clock.Sleep,
	})
	if err != nil {
		t.Fatal(err)
	}
	j, err := state.OpenJournal(s.journal)
	if err != nil {
		t.Fatal(err)
	}
	eng := state.NewEngine(client, j, state.EngineOptions{Tenant: "demo", Now: s.clock.Now, OutRoot: s.out})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if _, errs := eng.Reattach(ctx); len(errs) > 0 {
		t.Fatalf("reattach: %v", errs)
	}
	km := keymap.Default()
	c := &common.Common{Ctx: ctx, Styles: styles.New(true), Keys: &km, API: client, Engine: eng,
		Now: s.clock.Now, Demo: true, OutRoot: s.out}
	return New(c, WithFrozenAnimations(), WithTicker(s.clock.ticker(ctx))), eng
}

// driver types into a running console and reads its screen through a
// small terminal emulator.
type driver struct {
	t     *testing.T
	tm    *teatest.TestModel
	clock *fakeClock
	scr   *vscreen
	raw   bytes.Buffer // every byte the console wrote
}

const (
	e2eWidth, e2eHeight = 100, 30
	waitLimit           = 20 * time.Second
)

func (s *simStack) start(t *testing.T, m *Model) *driver {
	t.Helper()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(e2eWidth, e2eHeight),
		teatest.WithProgramOptions(tea.WithEnvironment([]string{"TERM=xterm-256color"})))
	t.Cleanup(func() { _ = tm.Quit() })
	return &driver{t: t, tm: tm, clock: s.clock, scr: newVScreen(e2eWidth, e2eHeight)}
}

// wait blocks until the screen shows every string in want (the clock
// stands still); it fails the test with the screen after waitLimit.
func (d *driver) wait(want ...string) { d.t.Helper(); d.waitWhile(0, want...) }

// run advances the clock by step on every check until the screen shows
// every string in want: the simulated devices and the poll loop move on.
func (d *driver) run(step time.Duration, want ...string) { d.t.Helper(); d.waitWhile(step, want...) }

func (d *driver) waitWhile(step time.Duration, want ...string) {
	d.t.Helper()
	fed := 0
	ok := false
	cond := func(b []byte) bool {
		d.scr.Feed(b[fed:])
		d.raw.Write(b[fed:])
		fed = len(b)
		ok = containsAll(d.scr.Text(), want)
		if !ok && step > 0 {
			d.clock.Advance(step)
		}
		return ok
	}
	teatest.WaitFor(&softTB{TB: d.t}, d.tm.Output(), cond,
		teatest.WithDuration(waitLimit), teatest.WithCheckInterval(5*time.Millisecond))
	if !ok {
		d.t.Fatalf("screen never showed %q; it shows:\n%s", want, d.scr.Text())
	}
}

// screenText is a rendered frame as the emulator shows it.
func screenText(frame string) string {
	lines := strings.Split(ansi.Strip(frame), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

func containsAll(s string, want []string) bool {
	for _, w := range want {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// softTB turns WaitFor's Fatal into a no-op so the driver can print the
// emulated screen instead of the raw diff stream.
type softTB struct{ testing.TB }

func (s *softTB) Fatal(...any) {}
func (s *softTB) Helper()      {}

// typeText types s one key at a time.
func (d *driver) typeText(s string) { d.tm.Type(s) }

// press sends special keys.
func (d *driver) press(codes ...rune) {
	for _, c := range codes {
		d.tm.Send(tea.KeyPressMsg{Code: c})
	}
}

// ctrl sends ctrl+r.
func (d *driver) ctrl(r rune) { d.tm.Send(tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl}) }

// quit leaves the console (answering the quit question if asked) and
// returns the final root model.
func (d *driver) quit(answerYes bool) *Model {
	d.t.Helper()
	d.typeText("q")
	if answerYes {
		d.wait("Quit?")
		d.typeText("y")
	}
	fm := d.tm.FinalModel(d.t, teatest.WithFinalTimeout(waitLimit))
	m, ok := fm.(*Model)
	if !ok {
		d.t.Fatalf("final model is %T", fm)
	}
	// The emulator must agree with the model's last frame, or the screen
	// assertions above proved nothing.
	rest, err := io.ReadAll(d.tm.FinalOutput(d.t))
	if err != nil {
		d.t.Fatal(err)
	}
	d.scr.Feed(rest)
	d.raw.Write(rest)
	if got, want := d.scr.Text(), screenText(m.render()); got != want {
		d.t.Fatalf("emulated screen differs from the last frame:\n%s\n--- want ---\n%s", got, want)
	}
	return m
}

// findDevice filters the device list by part of a name and opens it.
func (d *driver) openDevice(part, full string) {
	d.t.Helper()
	d.wait("of 60 devices")
	d.typeText("/" + part)
	d.press(tea.KeyEnter)
	d.wait("filter: "+part, "> ", full)
	d.press(tea.KeyEnter)
}

func fileExists(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("collected file: %v", err)
	}
	return b
}
