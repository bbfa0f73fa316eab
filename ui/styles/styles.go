// Package styles is the only place that creates colours and lipgloss
// styles. Screens receive a *Styles and use its semantic fields.
package styles

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles holds every style the console uses, built for a light or dark background.
type Styles struct {
	IsDark bool

	App     lipgloss.Style // whole-window base
	Title   lipgloss.Style // screen titles
	Subtle  lipgloss.Style // secondary text, hints
	Bold    lipgloss.Style
	Error   lipgloss.Style
	Warning lipgloss.Style
	Success lipgloss.Style
	Info    lipgloss.Style
	Match   lipgloss.Style // fuzzy-match highlight
	// MatchCurrent marks the current search match (reverse video: visible without colour).
	MatchCurrent lipgloss.Style
	Selected     lipgloss.Style // selected row (reverse video: readable without colour)
	Header       lipgloss.Style // table header
	Pane         lipgloss.Style // bordered pane
	PaneFocus    lipgloss.Style // bordered pane with focus
	// PaneTitleFocus marks the focused pane's title (bold reverse video:
	// visible without colour).
	PaneTitleFocus lipgloss.Style
	Label          lipgloss.Style // "Device:" style labels
	Value          lipgloss.Style
	Input          lipgloss.Style
	Code           lipgloss.Style // JSON preview, script output

	Badge     Badges
	Status    Status
	StatusBar StatusBar
	Help      Help
	Dialog    lipgloss.Style
	// Banner is the one-line notice under the header (missing permissions).
	Banner lipgloss.Style
	// UserCode shows a device sign-in code prominently (bold reverse video).
	UserCode lipgloss.Style

	// MatchSelected is a fuzzy-match highlight inside the selected row.
	MatchSelected lipgloss.Style
	// Escaped marks escape sequences and control characters shown inert
	// ("^[", "<U+202E>") so that they do not read as ordinary text.
	Escaped lipgloss.Style
	// EscapedSelected is Escaped inside the selected row.
	EscapedSelected lipgloss.Style
}

// Badges are short inverse labels.
type Badges struct {
	Demo, Tenant, ReadOnly      lipgloss.Style
	PutFile, RunScript, GetFile lipgloss.Style
	Busy, Offline, Inactive     lipgloss.Style
}

// Status colours an action or command state.
type Status struct {
	Waiting, Running, Completed, Failed, NotRun, Queued, Cancelled lipgloss.Style
}

// StatusBar styles the bottom status line.
type StatusBar struct {
	Bar, Key, Text, Error lipgloss.Style
}

// Help styles the help bar and full help.
type Help struct {
	Key, Desc, Sep lipgloss.Style
}

// palette is the small set of colours the styles derive from. ANSI 0-15
// indices keep 16-colour terminals readable; Bubble Tea downsamples and
// honours NO_COLOR.
type palette struct {
	fg, subtle, accent, red, yellow, green, blue, magenta, cyan, barBg, barFg color.Color
}

func newPalette(isDark bool) palette {
	ld := lipgloss.LightDark(isDark)
	return palette{
		fg:      ld(lipgloss.Color("0"), lipgloss.Color("15")),
		subtle:  ld(lipgloss.Color("8"), lipgloss.Color("7")),
		accent:  ld(lipgloss.Color("4"), lipgloss.Color("12")),
		red:     ld(lipgloss.Color("1"), lipgloss.Color("9")),
		yellow:  ld(lipgloss.Color("3"), lipgloss.Color("11")),
		green:   ld(lipgloss.Color("2"), lipgloss.Color("10")),
		blue:    ld(lipgloss.Color("4"), lipgloss.Color("12")),
		magenta: ld(lipgloss.Color("5"), lipgloss.Color("13")),
		cyan:    ld(lipgloss.Color("6"), lipgloss.Color("14")),
		barBg:   ld(lipgloss.Color("7"), lipgloss.Color("8")),
		barFg:   ld(lipgloss.Color("0"), lipgloss.Color("15")),
	}
}

// New builds the styles for a dark (isDark) or light background.
func New(isDark bool) *Styles {
	p := newPalette(isDark)
	s := lipgloss.NewStyle
	badge := func(bg color.Color) lipgloss.Style {
		return s().Bold(true).Reverse(true).Foreground(bg).Padding(0, 1)
	}
	return &Styles{
		IsDark:         isDark,
		App:            s(),
		Title:          s().Bold(true).Foreground(p.accent),
		Subtle:         s().Foreground(p.subtle),
		Bold:           s().Bold(true),
		Error:          s().Bold(true).Foreground(p.red),
		Warning:        s().Foreground(p.yellow),
		Success:        s().Foreground(p.green),
		Info:           s().Foreground(p.cyan),
		Match:          s().Bold(true).Underline(true).Foreground(p.magenta),
		MatchCurrent:   s().Bold(true).Reverse(true).Foreground(p.magenta),
		Selected:       s().Reverse(true),
		Header:         s().Bold(true).Underline(true),
		Pane:           s().Border(lipgloss.NormalBorder()).BorderForeground(p.subtle),
		PaneFocus:      s().Border(lipgloss.NormalBorder()).BorderForeground(p.accent),
		PaneTitleFocus: s().Bold(true).Reverse(true),
		Label:          s().Foreground(p.subtle),
		Value:          s(),
		Input:          s().Foreground(p.fg),
		Code:           s(),
		Badge: Badges{
			Demo:      badge(p.magenta),
			Tenant:    badge(p.blue),
			ReadOnly:  badge(p.yellow),
			PutFile:   s().Bold(true).Foreground(p.cyan),
			RunScript: s().Bold(true).Foreground(p.magenta),
			GetFile:   s().Bold(true).Foreground(p.blue),
			Busy:      s().Bold(true).Foreground(p.yellow),
			Offline:   s().Foreground(p.red),
			Inactive:  s().Foreground(p.subtle),
		},
		Status: Status{
			Waiting:   s().Foreground(p.subtle),
			Running:   s().Bold(true).Foreground(p.cyan),
			Completed: s().Foreground(p.green),
			Failed:    s().Bold(true).Foreground(p.red),
			NotRun:    s().Foreground(p.subtle).Strikethrough(false),
			Queued:    s().Foreground(p.yellow),
			Cancelled: s().Foreground(p.yellow),
		},
		StatusBar: StatusBar{
			Bar:   s().Background(p.barBg).Foreground(p.barFg),
			Key:   s().Background(p.barBg).Foreground(p.barFg).Bold(true),
			Text:  s().Background(p.barBg).Foreground(p.barFg),
			Error: s().Background(p.barBg).Foreground(p.red).Bold(true),
		},
		Help: Help{
			Key:  s().Bold(true).Foreground(p.fg),
			Desc: s().Foreground(p.subtle),
			Sep:  s().Foreground(p.subtle),
		},
		Dialog:   s().Border(lipgloss.RoundedBorder()).BorderForeground(p.accent).Padding(0, 1),
		Banner:   s().Bold(true).Foreground(p.yellow),
		UserCode: s().Bold(true).Reverse(true).Padding(0, 2),

		MatchSelected:   s().Reverse(true).Bold(true).Underline(true).Foreground(p.magenta),
		Escaped:         s().Foreground(p.yellow).Italic(true),
		EscapedSelected: s().Reverse(true).Foreground(p.yellow).Italic(true),
	}
}
