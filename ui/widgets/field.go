package widgets

import (
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"mdlr/ui/inert"
)

// Field is a one-line text input with a steady (non-blinking) cursor, so
// frames are deterministic. Editing keys are the universal ones (arrows,
// home/end, backspace/delete, ctrl+u); the value is shown inert.
type Field struct {
	Placeholder string
	value       []rune
	pos         int
	focused     bool
	width       int
}

// SetValue replaces the value and puts the cursor at its end.
func (f *Field) SetValue(s string) {
	f.value = []rune(s)
	f.pos = len(f.value)
}

// Value returns the text.
func (f *Field) Value() string { return string(f.value) }

// Focus gives the field the keyboard; Blur takes it away.
func (f *Field) Focus() { f.focused = true }

// Blur takes the keyboard away from the field.
func (f *Field) Blur() { f.focused = false }

// Focused reports whether the field has the keyboard.
func (f *Field) Focused() bool { return f.focused }

// SetWidth sets the width in cells used by View.
func (f *Field) SetWidth(w int) { f.width = max(1, w) }

// Update edits the value on key presses and pastes while focused. It
// reports whether the value or the cursor changed.
func (f *Field) Update(msg tea.Msg) bool {
	if !f.focused {
		return false
	}
	switch msg := msg.(type) {
	case tea.PasteMsg:
		f.insert(oneLine(msg.Content))
		return true
	case tea.KeyPressMsg:
		return f.key(msg)
	}
	return false
}

func (f *Field) key(msg tea.KeyPressMsg) bool {
	ctrl := msg.Mod.Contains(tea.ModCtrl)
	switch {
	case msg.Code == tea.KeyBackspace && f.pos > 0:
		f.value = append(f.value[:f.pos-1], f.value[f.pos:]...)
		f.pos--
	case msg.Code == tea.KeyDelete && f.pos < len(f.value):
		f.value = append(f.value[:f.pos], f.value[f.pos+1:]...)
	case msg.Code == tea.KeyLeft && f.pos > 0:
		f.pos--
	case msg.Code == tea.KeyRight && f.pos < len(f.value):
		f.pos++
	case msg.Code == tea.KeyHome || (ctrl && msg.Code == 'a'):
		f.pos = 0
	case msg.Code == tea.KeyEnd || (ctrl && msg.Code == 'e'):
		f.pos = len(f.value)
	case ctrl && msg.Code == 'u':
		f.value = f.value[f.pos:]
		f.pos = 0
	case msg.Text != "" && !ctrl && !msg.Mod.Contains(tea.ModAlt):
		f.insert(oneLine(msg.Text))
	default:
		return false
	}
	return true
}

func (f *Field) insert(s string) {
	if s == "" {
		return
	}
	r := []rune(s)
	v := make([]rune, 0, len(f.value)+len(r))
	v = append(v, f.value[:f.pos]...)
	v = append(v, r...)
	v = append(v, f.value[f.pos:]...)
	f.value = v
	f.pos += len(r)
}

// oneLine turns line breaks and tabs into spaces and drops other control characters.
func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r\n", " ")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// View renders the field in at most its width: the placeholder when empty,
// otherwise the inert value with the cursor cell in cursor style while focused.
func (f *Field) View(text, placeholder, cursor lipgloss.Style) string {
	w := max(1, f.width)
	if len(f.value) == 0 {
		out := ""
		if f.focused {
			out = cursor.Render(" ")
			w--
		}
		return out + placeholder.Render(ansi.Truncate(inert.Text(f.Placeholder), w, "…"))
	}
	before := inert.Text(string(f.value[:f.pos]))
	at, after := " ", ""
	if f.pos < len(f.value) {
		at = inert.Text(string(f.value[f.pos : f.pos+1]))
		after = inert.Text(string(f.value[f.pos+1:]))
	}
	if !f.focused {
		return text.Render(ansi.Truncate(before+at+after, w, "…"))
	}
	atW := ansi.StringWidth(at)
	if bw := ansi.StringWidth(before); bw+atW > w {
		before = "…" + ansi.TruncateLeft(before, bw+atW-w+1, "")
	}
	rest := w - ansi.StringWidth(before) - atW
	return text.Render(before) + cursor.Render(at) + text.Render(ansi.Truncate(after, max(0, rest), "…"))
}
