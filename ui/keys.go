package ui

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"mdlr/ui/common"
	"mdlr/ui/inert"
)

// handleKey routes a key: the quit question or help overlay if open, then
// global keys (unless the screen takes text input), then the screen.
// ctrl+c style quits (a Quit binding with ctrl) work even while typing.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	if m.askQuit {
		switch {
		case key.Matches(msg, k.Confirm.Yes):
			if name := m.profiles.pending; name != "" {
				return m.switchProfile(name)
			}
			m.abandonSignIn()
			return tea.Quit
		case key.Matches(msg, k.Confirm.No), key.Matches(msg, k.Global.Quit):
			m.askQuit, m.profiles.pending = false, ""
		}
		return nil
	}
	if m.profiles.open {
		if key.Matches(msg, k.Global.Quit) && msg.Mod.Contains(tea.ModCtrl) {
			return m.quit()
		}
		return m.profileKey(msg)
	}
	if m.showHelp {
		if key.Matches(msg, k.Global.Help, k.Global.Back, k.Global.Quit) {
			m.showHelp = false
		}
		return nil
	}
	if key.Matches(msg, k.Global.Quit) && msg.Mod.Contains(tea.ModCtrl) {
		return m.quit()
	}
	scr := m.active()
	if scr.Capturing() {
		return scr.Update(msg)
	}
	switch {
	case key.Matches(msg, k.Global.Quit):
		return m.quit()
	case key.Matches(msg, k.Global.Help):
		m.showHelp = true
		return nil
	case key.Matches(msg, k.Global.Profile):
		return m.openProfiles()
	case key.Matches(msg, k.Global.ForceRedraw):
		return tea.ClearScreen
	case !m.ready:
		return scr.Update(msg) // signing in: no other screen exists yet
	case key.Matches(msg, k.Global.Dismiss) && m.showBanner():
		m.bannerHidden = true
		m.resize(m.width, m.height)
		return nil
	case key.Matches(msg, k.Global.GoAudit):
		return m.navigate(common.NavigateMsg{To: common.AuditScreen})
	case key.Matches(msg, k.Global.GoDevices):
		return m.navigate(common.NavigateMsg{To: common.DevicesScreen})
	case key.Matches(msg, k.Global.GoActions):
		return m.navigate(common.NavigateMsg{To: common.ActionsScreen})
	case key.Matches(msg, k.Global.Back) && len(m.stack) > 1:
		m.back()
		return nil
	}
	return scr.Update(msg)
}

// quit leaves at once unless work is in flight; then it asks first. A
// sign-in in progress is abandoned.
func (m *Model) quit() tea.Cmd {
	if m.submitting || m.running > 0 {
		m.askQuit = true
		return nil
	}
	m.abandonSignIn()
	return tea.Quit
}

// quitQuestion is the text of the quit confirmation.
func (m *Model) quitQuestion() string {
	y := m.c.Keys.Confirm.Yes.Help().Key
	if name := m.profiles.pending; name != "" {
		return "Switch to profile " + inert.Text(name) + "? Running actions keep running on the devices and stay in the journal; " +
			"mdlr reattaches them when this profile is used again. Switch? " + y + "/N"
	}
	if m.submitting {
		return "A submission is in flight — its outcome is journalled and mdlr checks it next start. Quit? " + y + "/N"
	}
	what := "1 action still running — it keeps"
	if m.running != 1 {
		what = strconv.Itoa(m.running) + " actions still running — they keep"
	}
	return what + " running on the devices and mdlr reattaches next start. Quit? " + y + "/N"
}
