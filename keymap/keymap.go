// Package keymap defines every key binding of the console. Bindings are
// built by Default, can be remapped from the configuration with Apply, and
// feed the help views. No other package spells a key.
package keymap

import "charm.land/bubbles/v2/key"

// KeyMap groups the console's bindings by screen.
type KeyMap struct {
	Global   Global
	Nav      Nav
	Devices  Devices
	Compose  Compose
	Confirm  Confirm
	Progress Progress
	Results  Results
	Actions  Actions
	SignIn   SignIn
	Audit    Audit
}

// Global bindings work on every screen (single letters only while the
// screen is not taking text input).
type Global struct {
	Quit        key.Binding
	Help        key.Binding
	Back        key.Binding
	GoDevices   key.Binding
	GoActions   key.Binding
	ForceRedraw key.Binding
	GoAudit     key.Binding // the audit log viewer
	Profile     key.Binding // the profile switcher
	Dismiss     key.Binding // hides the permissions banner
}

// Nav moves a cursor in lists, tables and viewports.
type Nav struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	Select                                key.Binding
	NextPane, PrevPane                    key.Binding
	Left, Right                           key.Binding // horizontal scroll in viewers
}

// Devices are the device list's bindings.
type Devices struct {
	Filter, SortNext, SortReverse   key.Binding
	FacetOS, FacetHealth, HideInact key.Binding
	Refresh, Details                key.Binding
}

// Compose are the command composer's bindings.
type Compose struct {
	Filter, AddRunScript, AddPutFile, AddGetFile key.Binding
	Remove, MoveUp, MoveDown                     key.Binding
	EditItem, Comment, Preview, Submit           key.Binding
	Upload, DeleteFile                           key.Binding
	Toggle                                       key.Binding // check boxes in forms
}

// Confirm are the yes/no bindings of confirmation dialogs.
type Confirm struct {
	Yes, No key.Binding
}

// Progress are the action progress screen's bindings.
type Progress struct {
	Cancel, OpenResult key.Binding
}

// Results are the result viewer's bindings.
type Results struct {
	Search, NextMatch, PrevMatch, Save, Copy, SwitchStream key.Binding
}

// Actions are the action list's bindings.
type Actions struct {
	Open, Cancel, MineAll, Refresh key.Binding
}

// SignIn are the sign-in screen's bindings.
type SignIn struct {
	Retry, Cancel key.Binding
}

// Audit are the audit log viewer's bindings.
type Audit struct {
	Open, Refresh key.Binding
}

func bind(help, desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// Default returns a fresh key map with the default bindings. Defaults avoid
// tmux and screen prefixes (ctrl+b, ctrl+a) and terminal flow control (ctrl+s, ctrl+q).
func Default() KeyMap {
	return KeyMap{
		Global: Global{
			Quit:        bind("q", "quit", "q", "ctrl+c"),
			Help:        bind("?", "help", "?"),
			Back:        bind("esc", "back", "esc"),
			GoDevices:   bind("1", "devices", "1"),
			GoActions:   bind("2", "actions", "2"),
			ForceRedraw: bind("ctrl+l", "redraw", "ctrl+l"),
			GoAudit:     bind("3", "audit log", "3"),
			Profile:     bind("P", "switch profile", "P"),
			Dismiss:     bind("ctrl+x", "hide banner", "ctrl+x"),
		},
		Nav: Nav{
			Up:       bind("↑/k", "up", "up", "k"),
			Down:     bind("↓/j", "down", "down", "j"),
			PageUp:   bind("pgup", "page up", "pgup", "ctrl+u"),
			PageDown: bind("pgdn", "page down", "pgdown", "ctrl+d"),
			Home:     bind("home/g", "top", "home", "g"),
			End:      bind("end/G", "bottom", "end", "G"),
			Select:   bind("enter", "select", "enter"),
			NextPane: bind("tab", "next pane", "tab"),
			PrevPane: bind("shift+tab", "prev pane", "shift+tab"),
			Left:     bind("←", "scroll left", "left"),
			Right:    bind("→", "scroll right", "right"),
		},
		Devices: Devices{
			Filter:      bind("/", "filter", "/"),
			SortNext:    bind("s", "sort", "s"),
			SortReverse: bind("S", "reverse sort", "S"),
			FacetOS:     bind("o", "OS facet", "o"),
			FacetHealth: bind("h", "health facet", "h"),
			HideInact:   bind("i", "hide inactive", "i"),
			Refresh:     bind("r", "refresh", "r", "ctrl+r"),
			Details:     bind("d", "details", "d"),
		},
		Compose: Compose{
			Filter:       bind("/", "filter library", "/"),
			AddRunScript: bind("r", "add RunScript", "r"),
			AddPutFile:   bind("p", "add PutFile", "p"),
			AddGetFile:   bind("f", "add GetFile", "f"),
			Remove:       bind("x", "remove", "x", "delete"),
			MoveUp:       bind("K", "move up", "K", "shift+up"),
			MoveDown:     bind("J", "move down", "J", "shift+down"),
			EditItem:     bind("e", "edit", "e"),
			Comment:      bind("c", "comment", "c"),
			Preview:      bind("v", "JSON preview", "v"),
			Submit:       bind("ctrl+g", "review & submit", "ctrl+g"),
			Upload:       bind("u", "upload to library", "u"),
			DeleteFile:   bind("D", "delete from library", "D"),
			Toggle:       bind("space", "toggle", "space"),
		},
		Confirm: Confirm{
			Yes: bind("y", "yes", "y"),
			No:  bind("n/esc", "no", "n", "N", "esc", "enter"),
		},
		Progress: Progress{
			Cancel:     bind("c", "cancel action", "c"),
			OpenResult: bind("enter", "open result", "enter"),
		},
		Results: Results{
			Search:       bind("/", "search", "/"),
			NextMatch:    bind("n", "next match", "n"),
			PrevMatch:    bind("N", "prev match", "N"),
			Save:         bind("w", "save to file", "w"),
			Copy:         bind("y", "copy (OSC 52)", "y"),
			SwitchStream: bind("tab", "stdout/stderr", "tab"),
		},
		Actions: Actions{
			Open:    bind("enter", "open", "enter"),
			Cancel:  bind("c", "cancel action", "c"),
			MineAll: bind("m", "mine/all", "m"),
			Refresh: bind("r", "refresh", "r", "ctrl+r"),
		},
		SignIn: SignIn{
			Retry:  bind("r", "retry", "r"),
			Cancel: bind("esc", "cancel sign-in", "esc"),
		},
		Audit: Audit{
			Open:    bind("enter", "details", "enter"),
			Refresh: bind("r", "reload", "r", "ctrl+r"),
		},
	}
}
