// Package common is the leaf package every screen imports: the Screen
// interface, the shared Common context and the messages that cross screens.
package common

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// ScreenID names a full-window page of the console.
type ScreenID int

// The console's screens.
const (
	DevicesScreen ScreenID = iota
	ComposeScreen
	ConfirmScreen
	ProgressScreen
	ResultsScreen
	ActionsScreen
	// SignInScreen shows the sign-in (device code, progress, errors) until a session is ready.
	SignInScreen
	// AuditScreen lists the audit log of changes made to the tenant.
	AuditScreen
)

// Screen is one full-window page. Screens are pointer types updated in
// place; only the root model returns a tea.View.
type Screen interface {
	Init() tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	// Title is shown in the header and the window title.
	Title() string
	// Capturing reports whether the screen is taking text input, so that
	// global single-letter keys (q, ?, 1, 2) go to the screen instead.
	Capturing() bool
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}
