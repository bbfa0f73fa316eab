package ui

import (
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"

	"mdlr/api"
	"mdlr/ui/common"
	"mdlr/ui/inert"
	"mdlr/ui/signin"
)

// WithSignIn starts the console on the sign-in screen: connect runs in a
// command and, once it returns a session, the other screens are built on
// it. label describes the sign-in on the screen.
func WithSignIn(connect signin.ConnectFunc, label signin.Label) Option {
	return func(m *Model) { m.connect, m.label = connect, label }
}

// WithSession connects the console to a session signed in before start
// (its API, engine and tenant replace c's).
func WithSession(s signin.Session) Option {
	return func(m *Model) { m.adopt(s) }
}

// WithNotice shows text in the status bar when the console starts.
func WithNotice(text string) Option {
	return func(m *Model) {
		if text != "" {
			m.notes = append(m.notes, text)
		}
	}
}

// adopt takes a session's API, engine and extras into c. It runs before
// the screens exist (in New, or on ReadyMsg before buildScreens), so no
// screen or command has read c's old values.
func (m *Model) adopt(s signin.Session) {
	m.session = s
	m.c.API, m.c.Engine = s.API, s.Engine
	if s.QueueWindow > 0 {
		m.c.QueueWindow = s.QueueWindow
	}
	if s.Tenant != "" {
		m.c.Tenant = s.Tenant
	}
	m.notes = append(m.notes, s.Notes...)
}

// onReady installs a signed-in session: the screens are built on it and
// started, and the devices screen replaces the sign-in.
func (m *Model) onReady(msg signin.ReadyMsg) tea.Cmd {
	if m.ready {
		return nil
	}
	m.adopt(msg.Session)
	m.buildScreens()
	delete(m.screens, common.SignInScreen)
	m.stack = []common.ScreenID{common.DevicesScreen}
	m.resize(m.width, m.height)
	return m.startSession()
}

// identityMsg carries who the token says we are and what it lacks.
type identityMsg struct {
	claims  api.Claims
	missing []api.PermissionStatus
	err     error
}

// checkIdentity reads the token's claims and checks its permissions.
func (m *Model) checkIdentity() tea.Cmd {
	read := m.session.Claims
	if read == nil {
		return nil
	}
	ctx := m.c.Ctx
	return func() tea.Msg {
		claims, err := read(ctx)
		if err != nil {
			return identityMsg{err: err}
		}
		var missing []api.PermissionStatus
		for _, p := range api.CheckPermissions(claims) {
			if !p.Granted {
				missing = append(missing, p)
			}
		}
		return identityMsg{claims: claims, missing: missing}
	}
}

func (m *Model) onIdentity(msg identityMsg) tea.Cmd {
	if msg.err != nil {
		return m.setStatus("cannot read the signed-in identity: "+api.Describe(msg.err), true)
	}
	c := msg.claims
	switch {
	case c.IsDelegated:
		m.identity = firstOf(c.UPN, c.Name, c.ObjectID)
	case c.AppID != "":
		m.identity = "app " + c.AppID
	}
	m.identity = inert.Text(m.identity)
	m.banner = permissionBanner(msg.missing)
	m.resize(m.width, m.height)
	return nil
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// featureEffect names what a missing permission blocks, in a word or two.
var featureEffect = map[string]string{
	"List devices":           "device list",
	"List and track actions": "action tracking",
	"Run live response":      "submit",
	"Cancel actions":         "cancel",
	"Download results":       "result download",
	"Manage the library":     "library upload/delete",
}

// permissionBanner is the one-line notice for missing permissions ("" none):
// "missing Machine.LiveResponse (submit, cancel): ask an admin to grant it — mdlr whoami for details".
func permissionBanner(missing []api.PermissionStatus) string {
	if len(missing) == 0 {
		return ""
	}
	effects := map[string][]string{}
	var perms []string
	for _, p := range missing {
		if _, seen := effects[p.Permission]; !seen {
			perms = append(perms, p.Permission)
		}
		e := featureEffect[p.Feature]
		if e == "" {
			e = strings.ToLower(p.Feature)
		}
		if !contains(effects[p.Permission], e) {
			effects[p.Permission] = append(effects[p.Permission], e)
		}
	}
	sort.Strings(perms)
	parts := make([]string, 0, len(perms))
	for _, p := range perms {
		parts = append(parts, p+" ("+strings.Join(effects[p], ", ")+")")
	}
	it := "it"
	if len(perms) > 1 {
		it = "them"
	}
	return inert.Text("missing " + strings.Join(parts, ", ") + ": ask an admin to grant " + it + " — mdlr whoami for details")
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// showBanner reports whether the permissions banner takes a line.
func (m *Model) showBanner() bool { return m.banner != "" && !m.bannerHidden && m.ready }

// Identity is who the console is signed in as ("" not known yet).
func (m *Model) Identity() string { return m.identity }

// abandonSignIn cancels a sign-in in progress so its goroutine ends (the
// launcher owns and closes sessions).
func (m *Model) abandonSignIn() {
	if s, ok := m.screens[common.SignInScreen].(*signin.Model); ok {
		s.Cancel()
	}
}
