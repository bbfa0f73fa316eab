package signin

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mdlr/api"
	"mdlr/keymap"
	"mdlr/ui/common"
	"mdlr/ui/styles"
)

var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

var prompt = api.DevicePrompt{UserCode: "KQ7-PL2X", VerificationURI: "https://microsoft.com/devicelogin",
	ExpiresAt: now.Add(14*time.Minute + 32*time.Second)}

// pump runs a screen's commands on goroutines, as Bubble Tea does, and
// feeds their messages back on the test goroutine.
type pump struct {
	t     *testing.T
	m     *Model
	msgs  chan tea.Msg
	ready []ReadyMsg
}

func newPump(t *testing.T, connect ConnectFunc) *pump {
	t.Helper()
	km := keymap.Default()
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(true), Keys: &km, Now: func() time.Time { return now }}
	m := New(c, connect, Label{Mode: "devicecode", Profile: "lab", Tenant: "contoso.onmicrosoft.com"})
	m.Freeze()
	m.SetSize(100, 30)
	p := &pump{t: t, m: m, msgs: make(chan tea.Msg, 64)}
	t.Cleanup(m.Cancel)
	return p
}

func (p *pump) exec(cmd tea.Cmd) {
	if cmd != nil {
		go func() { p.msgs <- cmd() }()
	}
}

func (p *pump) handle(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			p.exec(c)
		}
	case ReadyMsg:
		p.ready = append(p.ready, msg)
	default:
		p.exec(p.m.Update(msg))
	}
}

// until handles messages until cond holds, failing after a deadline.
func (p *pump) until(what string, cond func() bool) {
	p.t.Helper()
	deadline := time.After(5 * time.Second)
	for !cond() {
		select {
		case msg := <-p.msgs:
			p.handle(msg)
		case <-deadline:
			p.t.Fatalf("never %s; screen:\n%s", what, p.view())
		}
	}
}

func (p *pump) key(code rune, text string) {
	p.exec(p.m.Update(tea.KeyPressMsg{Code: code, Text: text}))
}

func (p *pump) view() string { return ansi.Strip(p.m.View()) }

func TestDeviceCodeShownThenReady(t *testing.T) {
	approve := make(chan struct{})
	closed := atomic.Bool{}
	p := newPump(t, func(ctx context.Context, ev Events) (Session, error) {
		ev.Prompt(prompt)
		select {
		case <-approve:
			return Session{Tenant: "contoso", Close: func() { closed.Store(true) }}, nil
		case <-ctx.Done():
			return Session{}, ctx.Err()
		}
	})
	p.exec(p.m.Init())
	p.until("showed the code", func() bool { return strings.Contains(p.view(), "KQ7-PL2X") })
	v := p.view()
	for _, want := range []string{"https://microsoft.com/devicelogin", "code expires in 14:32", "device code · profile lab"} {
		if !strings.Contains(v, want) {
			t.Errorf("screen lacks %q", want)
		}
	}
	golden.RequireEqual(t, []byte(v))
	close(approve)
	p.until("became ready", func() bool { return len(p.ready) == 1 })
	if p.ready[0].Session.Tenant != "contoso" || p.m.Busy() || closed.Load() {
		t.Fatalf("ready %+v busy=%v closed=%v", p.ready[0].Session.Tenant, p.m.Busy(), closed.Load())
	}
}

func TestEscCancelsAndRRetries(t *testing.T) {
	var calls atomic.Int32
	cancelled := make(chan struct{}, 2)
	p := newPump(t, func(ctx context.Context, ev Events) (Session, error) {
		calls.Add(1)
		ev.Prompt(prompt)
		<-ctx.Done()
		cancelled <- struct{}{}
		return Session{}, ctx.Err()
	})
	p.exec(p.m.Init())
	p.until("showed the code", func() bool { return strings.Contains(p.view(), "KQ7-PL2X") })
	p.m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("esc did not cancel the sign-in's context")
	}
	if v := p.view(); !strings.Contains(v, "Sign-in cancelled.") || strings.Contains(v, "KQ7-PL2X") || p.m.Busy() {
		t.Fatalf("after esc:\n%s", v)
	}
	p.key('r', "r")
	p.until("started again", func() bool { return calls.Load() == 2 && strings.Contains(p.view(), "KQ7-PL2X") })
}

func TestFailureShowsFixAndRetrySucceeds(t *testing.T) {
	var mu sync.Mutex
	fail := true
	p := newPump(t, func(context.Context, Events) (Session, error) {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return Session{}, &api.AuthError{Code: "AADSTS7000218", OAuthError: "invalid_client",
				Fix: "allow public client flows on the app registration (Authentication > Advanced settings)"}
		}
		return Session{Tenant: "t"}, nil
	})
	p.exec(p.m.Init())
	p.until("failed", func() bool { return strings.Contains(p.view(), "Sign-in failed") })
	golden.RequireEqual(t, []byte(p.view()))
	mu.Lock()
	fail = false
	mu.Unlock()
	p.key('r', "r")
	p.until("became ready after retry", func() bool { return len(p.ready) == 1 })
}

func TestNoticesAndHostileCodeAreInert(t *testing.T) {
	p := newPump(t, func(ctx context.Context, ev Events) (Session, error) {
		ev.Notice("the saved sign-in no longer works\x1b[2J: signing in again")
		ev.Prompt(api.DevicePrompt{UserCode: "AB\x1b]0;pwn\aCD", VerificationURI: "https://x\x1b[31m"})
		<-ctx.Done()
		return Session{}, ctx.Err()
	})
	p.exec(p.m.Init())
	p.until("showed the notice and code", func() bool {
		v := p.m.View()
		return strings.Contains(v, "signing in again") && strings.Contains(v, "CD")
	})
	if raw := p.m.View(); strings.Contains(raw, "\x1b]") || strings.Contains(raw, "\x1b[2J") || strings.Contains(raw, "\x1b[31m") || strings.Contains(raw, "\a") {
		t.Fatalf("device or service text reached the terminal raw: %q", raw)
	}
}

func TestSuccessAfterCancelIsClosed(t *testing.T) {
	release := make(chan struct{})
	var closed atomic.Bool
	p := newPump(t, func(ctx context.Context, ev Events) (Session, error) {
		ev.Prompt(prompt)
		<-release // ignores the cancel, as a slow token request might
		return Session{Close: func() { closed.Store(true) }}, nil
	})
	p.exec(p.m.Init())
	p.until("showed the code", func() bool { return strings.Contains(p.view(), "KQ7-PL2X") })
	p.m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	close(release)
	p.until("closed the abandoned session", closed.Load)
	if len(p.ready) != 0 {
		t.Fatal("an abandoned sign-in became the session")
	}
}

func TestExpiredCodeSaysSo(t *testing.T) {
	p := newPump(t, func(ctx context.Context, ev Events) (Session, error) {
		ev.Prompt(api.DevicePrompt{UserCode: "X", VerificationURI: "u", ExpiresAt: now.Add(-time.Second)})
		<-ctx.Done()
		return Session{}, errors.New("cancelled")
	})
	p.exec(p.m.Init())
	p.until("said the code expired", func() bool { return strings.Contains(p.view(), "the code has expired") })
}
