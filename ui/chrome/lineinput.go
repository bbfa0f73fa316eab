// Package chrome holds the small pieces of screen furniture shared by the
// root model and its screens: a one-line text input, the help bar and
// text-fitting helpers.
package chrome

import (
	"strings"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"mdlr/ui/inert"
)

// LineInput is a minimal single-line text input (append, backspace, delete
// word, clear, paste). It is used instead of bubbles/textinput, whose
// clipboard dependency is not in this module's go.sum. Editing keys are
// terminal editing conventions, not remappable commands.
type LineInput struct {
	Prompt      string
	Placeholder string
	value       []rune
	focused     bool
	// MaxRunes bounds the value (0: 1024).
	MaxRunes int
}

// Value returns the current text.
func (l *LineInput) Value() string { return string(l.value) }

// SetValue replaces the text.
func (l *LineInput) SetValue(s string) { l.value = []rune(s); l.limit() }

// Focus shows the cursor and accepts keys.
func (l *LineInput) Focus() { l.focused = true }

// Blur hides the cursor.
func (l *LineInput) Blur() { l.focused = false }

// Focused reports whether the input takes keys.
func (l *LineInput) Focused() bool { return l.focused }

func (l *LineInput) limit() {
	n := l.MaxRunes
	if n <= 0 {
		n = 1024
	}
	if len(l.value) > n {
		l.value = l.value[:n]
	}
}

// Update applies a key press or paste and reports whether the value changed.
func (l *LineInput) Update(msg tea.Msg) bool {
	if !l.focused {
		return false
	}
	before := string(l.value)
	switch msg := msg.(type) {
	case tea.PasteMsg:
		l.insert(msg.Content)
	case tea.KeyPressMsg:
		switch {
		case msg.Code == tea.KeyBackspace && msg.Mod == 0:
			if len(l.value) > 0 {
				l.value = l.value[:len(l.value)-1]
			}
		case msg.Code == tea.KeyBackspace && msg.Mod.Contains(tea.ModAlt), msg.Code == 'w' && msg.Mod == tea.ModCtrl:
			l.deleteWord()
		case msg.Code == 'u' && msg.Mod == tea.ModCtrl:
			l.value = l.value[:0]
		case msg.Text != "" && msg.Mod&^tea.ModShift == 0:
			l.insert(msg.Text)
		}
	}
	return before != string(l.value)
}

func (l *LineInput) insert(s string) {
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		if r == utf8.RuneError || unicode.IsControl(r) {
			continue
		}
		l.value = append(l.value, r)
	}
	l.limit()
}

func (l *LineInput) deleteWord() {
	i := len(l.value)
	for i > 0 && l.value[i-1] == ' ' {
		i--
	}
	for i > 0 && l.value[i-1] != ' ' {
		i--
	}
	l.value = l.value[:i]
}

// View renders the prompt and value in width columns, keeping the end of a
// long value visible; a block cursor ("_") marks the insertion point when focused.
func (l *LineInput) View(width int) string {
	text := inert.Text(string(l.value))
	cursor := ""
	if l.focused {
		cursor = "_"
	}
	if text == "" && l.Placeholder != "" && !l.focused {
		text = l.Placeholder
	}
	avail := width - ansi.StringWidth(l.Prompt) - ansi.StringWidth(cursor)
	if avail < 1 {
		return ansi.Truncate(l.Prompt, width, "")
	}
	if w := ansi.StringWidth(text); w > avail {
		text = "…" + ansi.TruncateLeft(text, w-avail+1, "")
	}
	out := l.Prompt + text + cursor
	if pad := width - ansi.StringWidth(out); pad > 0 {
		out += strings.Repeat(" ", pad)
	}
	return out
}
