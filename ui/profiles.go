package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"mdlr/ui/inert"
)

// Profiles are the configured profiles the switcher offers.
type Profiles struct {
	Names []string // sorted
	File  string   // the config file ("" none)
}

// ProfileLoader reads the configured profiles; it runs inside a command.
type ProfileLoader func() (Profiles, error)

// WithProfiles enables the profile switcher: load lists the profiles,
// current is the profile in use ("" none). Choosing another one ends the
// program with SwitchProfile set, and the launcher signs in again.
func WithProfiles(load ProfileLoader, current string) Option {
	return func(m *Model) { m.profiles.load, m.profiles.current = load, current }
}

// SwitchProfile is the profile chosen in the switcher, once the program has
// ended for it (ok false: it ended for another reason).
func (m *Model) SwitchProfile() (name string, ok bool) { return m.switchTo, m.switchTo != "" }

// profilePicker is the profile switcher overlay.
type profilePicker struct {
	load    ProfileLoader
	current string

	open    bool
	loading bool
	list    Profiles
	err     string
	cursor  int
	pending string // chosen while work is in flight: asks first
}

// profilesMsg carries the loaded profiles.
type profilesMsg struct {
	list Profiles
	err  error
}

// openProfiles opens the switcher and loads the profiles.
func (m *Model) openProfiles() tea.Cmd {
	p := &m.profiles
	if p.load == nil {
		return m.setStatus("profiles cannot be switched in this console", true)
	}
	p.open, p.loading, p.err = true, true, ""
	load := p.load
	return func() tea.Msg {
		l, err := load()
		return profilesMsg{list: l, err: err}
	}
}

func (m *Model) onProfiles(msg profilesMsg) {
	p := &m.profiles
	p.loading, p.list, p.cursor = false, msg.list, 0
	if msg.err != nil {
		p.err = inert.Text(msg.err.Error())
	}
	for i, n := range p.list.Names {
		if n == p.current {
			p.cursor = i
		}
	}
}

// profileKey handles a key while the switcher is open.
func (m *Model) profileKey(msg tea.KeyPressMsg) tea.Cmd {
	p, k := &m.profiles, m.c.Keys
	switch {
	case key.Matches(msg, k.Global.Back, k.Global.Profile, k.Global.Quit):
		p.open = false
	case key.Matches(msg, k.Nav.Up):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(msg, k.Nav.Down):
		p.cursor = max(0, min(len(p.list.Names)-1, p.cursor+1))
	case key.Matches(msg, k.Nav.Select):
		if p.loading || p.cursor >= len(p.list.Names) {
			return nil
		}
		name := p.list.Names[p.cursor]
		p.open = false
		if name == p.current {
			return nil
		}
		if m.submitting || m.running > 0 {
			p.pending = name
			m.askQuit = true
			return nil
		}
		return m.switchProfile(name)
	}
	return nil
}

// switchProfile ends the program so the launcher can sign in to name.
func (m *Model) switchProfile(name string) tea.Cmd {
	m.switchTo = name
	m.abandonSignIn()
	return tea.Quit
}

// profileView is the switcher's overlay text.
func (m *Model) profileView() string {
	st, p := m.c.Styles, &m.profiles
	lines := []string{st.Title.Render("Switch profile"), ""}
	switch {
	case p.loading:
		lines = append(lines, st.Subtle.Render("reading the profiles…"))
	case p.err != "":
		lines = append(lines, st.Error.Render(p.err))
	case len(p.list.Names) == 0:
		where := "the config file"
		if p.list.File != "" {
			where = inert.Text(p.list.File)
		}
		lines = append(lines, st.Subtle.Render("no profiles in "+where+": add [profiles.NAME] sections to switch between tenants"))
	default:
		for i, n := range p.list.Names {
			line := "  " + inert.Text(n)
			if n == p.current {
				line += st.Subtle.Render(" (in use)")
			}
			if i == p.cursor {
				line = st.Selected.Render("> " + inert.Text(n))
				if n == p.current {
					line += st.Subtle.Render(" (in use)")
				}
			}
			lines = append(lines, line)
		}
	}
	lines = append(lines, "", st.Subtle.Render("The console signs in again on the chosen profile (read-only, ephemeral and demo stay as they are); "+
		"running actions keep running and stay in the journal."), "",
		st.Subtle.Render(strings.Join([]string{k(m.c.Keys.Nav.Select) + " switch", k(m.c.Keys.Global.Back) + " close"}, " · ")))
	return strings.Join(lines, "\n")
}

func k(b key.Binding) string { return b.Help().Key }
