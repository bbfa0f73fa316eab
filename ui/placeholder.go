package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"mdlr/ui/chrome"
	"mdlr/ui/common"
)

// placeholder stands in for a screen that was not wired with WithScreen.
type placeholder struct {
	c    *common.Common
	id   common.ScreenID
	w, h int
}

func newPlaceholder(c *common.Common, id common.ScreenID) *placeholder {
	return &placeholder{c: c, id: id}
}

var screenNames = map[common.ScreenID]string{
	common.DevicesScreen: "Devices", common.ComposeScreen: "Compose", common.ConfirmScreen: "Confirm",
	common.ProgressScreen: "Progress", common.ResultsScreen: "Results", common.ActionsScreen: "Actions",
}

func (p *placeholder) Init() tea.Cmd             { return nil }
func (p *placeholder) Update(tea.Msg) tea.Cmd    { return nil }
func (p *placeholder) SetSize(w, h int)          { p.w, p.h = w, h }
func (p *placeholder) Title() string             { return screenNames[p.id] }
func (p *placeholder) Capturing() bool           { return false }
func (p *placeholder) ShortHelp() []key.Binding  { return nil }
func (p *placeholder) FullHelp() [][]key.Binding { return nil }
func (p *placeholder) View() string {
	return chrome.Fit(p.c.Styles.Subtle.Render("the "+p.Title()+" screen is not available in this build — "+
		p.c.Keys.Global.Back.Help().Key+" to go back"), p.w, p.h)
}
