package chrome

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"mdlr/api"
	"mdlr/ui/styles"
)

// TypeBadge renders a command type as a fixed-width (9 columns) coloured label.
func TypeBadge(st *styles.Styles, typ string) string {
	label := PadRight(typ, 9)
	switch typ {
	case api.CommandPutFile:
		return st.Badge.PutFile.Render(label)
	case api.CommandRunScript:
		return st.Badge.RunScript.Render(label)
	case api.CommandGetFile:
		return st.Badge.GetFile.Render(label)
	}
	return label
}

// PadRight pads s with spaces to w columns (it never truncates).
func PadRight(s string, w int) string {
	if n := w - ansi.StringWidth(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// Fit truncates and pads every line to exactly width columns and the block
// to exactly height lines.
func Fit(s string, width, height int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	for i, l := range lines {
		lines[i] = PadRight(ansi.Truncate(l, width, ""), width)
	}
	return strings.Join(lines, "\n")
}

// ShortName returns a DNS name's first label ("win-offline-07" for
// "win-offline-07.contoso.local").
func ShortName(s string) string {
	if i := strings.IndexByte(s, '.'); i > 0 {
		return s[:i]
	}
	return s
}
