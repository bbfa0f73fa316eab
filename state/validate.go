package state

import (
	"fmt"
	"strings"
	"unicode"

	"mdlr/api"
)

// Limits applied by Validate. The service documents none for the comment;
// these keep requests and journal entries sane.
const (
	MaxCommentLen = 1000
	MaxNameLen    = 255
	MaxPathLen    = 4096
	MaxArgsLen    = 4096
)

// forbiddenArgs are the characters the service rejects in RunScript Args.
const forbiddenArgs = ";&|!$()"

// forbiddenArgsText is how the service lists them.
const forbiddenArgsText = "; & | ! $ ( )"

// ForbiddenArgChars returns the distinct characters of args that the service
// rejects, in the order they first appear (nil when args are fine).
func ForbiddenArgChars(args string) []rune {
	var found []rune
	for _, r := range args {
		if strings.ContainsRune(forbiddenArgs, r) && !containsRune(found, r) {
			found = append(found, r)
		}
	}
	return found
}

func containsRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// IsWindows reports whether an osPlatform value (Windows11,
// WindowsServer2022, ...) names a Windows device.
func IsWindows(osPlatform string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(osPlatform)), "windows")
}

// Validate returns every problem of the plan in plain words, located at the
// field to fix. library is the tenant's live response library; nil skips the
// check that named files exist.
func (p Plan) Validate(library []api.LibraryFile) []Problem {
	var probs []Problem
	add := func(i int, field, format string, a ...any) {
		probs = append(probs, Problem{Index: i, Field: field, Message: fmt.Sprintf(format, a...)})
	}
	comment := strings.TrimSpace(p.Comment)
	switch {
	case comment == "":
		add(-1, "comment", "A comment is required (it is recorded with the action, e.g. a ticket number)")
	case len([]rune(p.Comment)) > MaxCommentLen:
		add(-1, "comment", "Comment is too long (%d characters; at most %d)", len([]rune(p.Comment)), MaxCommentLen)
	}
	if strings.TrimSpace(p.Device.ID) == "" {
		add(-1, "device", "Choose a device")
	}
	if len(p.Commands) == 0 {
		add(-1, "commands", "Add at least one command (PutFile, RunScript or GetFile)")
	}
	if i := firstOutOfOrder(p.Commands); i >= 0 {
		add(i, "order", "%s is out of order: commands must run in the order PutFile → RunScript → GetFile", p.Commands[i].Type)
	}
	for i, c := range p.Commands {
		probs = append(probs, validateCommand(i, c, p.Device, library)...)
	}
	return probs
}

// validateCommand checks one command.
func validateCommand(i int, c PlanCommand, dev Device, library []api.LibraryFile) []Problem {
	var probs []Problem
	add := func(field, format string, a ...any) {
		probs = append(probs, Problem{Index: i, Field: field, Message: fmt.Sprintf(format, a...)})
	}
	switch c.Type {
	case api.CommandPutFile, api.CommandRunScript:
		what := "a library file name"
		if c.Type == api.CommandRunScript {
			what = "a script name from the library"
		}
		if msg := checkLibraryName(c.Name, what, c.Type, library); msg != "" {
			add("name", "%s", msg)
		}
		if c.Type == api.CommandRunScript {
			if bad := ForbiddenArgChars(c.Args); len(bad) > 0 {
				add("args", "Args may not contain %s (the service rejects %s)", quoteRunes(bad), forbiddenArgsText)
			}
			if len(c.Args) > MaxArgsLen {
				add("args", "Args are too long (%d bytes; at most %d)", len(c.Args), MaxArgsLen)
			}
			if hasControl(c.Args) {
				add("args", "Args contain control characters (line breaks, tabs or similar)")
			}
		}
	case api.CommandGetFile:
		if msg := checkDevicePath(c.Path, dev.OSPlatform); msg != "" {
			add("path", "%s", msg)
		}
	case "":
		add("commands", "Command has no type (use PutFile, RunScript or GetFile)")
	default:
		add("commands", "Unknown command type %q (use PutFile, RunScript or GetFile)", c.Type)
	}
	return probs
}

// checkLibraryName validates a PutFile/RunScript name; "" means fine.
func checkLibraryName(name, what, typ string, library []api.LibraryFile) string {
	switch {
	case strings.TrimSpace(name) == "":
		return fmt.Sprintf("%s needs %s", typ, what)
	case name != strings.TrimSpace(name):
		return fmt.Sprintf("Name %q has leading or trailing spaces", name)
	case len(name) > MaxNameLen:
		return fmt.Sprintf("Name is too long (%d bytes; at most %d)", len(name), MaxNameLen)
	case strings.ContainsAny(name, `/\`):
		return fmt.Sprintf("Name %q contains a folder separator; library files are named without folders", name)
	case hasControl(name):
		return "Name contains control characters"
	}
	if library == nil {
		return ""
	}
	var near string
	for _, f := range library {
		if f.FileName == name {
			return ""
		}
		if strings.EqualFold(f.FileName, name) {
			near = f.FileName
		}
	}
	if near != "" {
		return fmt.Sprintf("No library file named %q; did you mean %q?", name, near)
	}
	return fmt.Sprintf("No library file named %q (upload it to the library first)", name)
}

// checkDevicePath validates a GetFile path for the device's OS; "" means fine.
func checkDevicePath(path, osPlatform string) string {
	if strings.TrimSpace(path) == "" {
		return "GetFile needs the full path of a file on the device"
	}
	if len(path) > MaxPathLen {
		return fmt.Sprintf("Path is too long (%d bytes; at most %d)", len(path), MaxPathLen)
	}
	if hasControl(path) {
		return "Path contains control characters"
	}
	if path != strings.TrimSpace(path) {
		return "Path has leading or trailing spaces"
	}
	win, other := isWindowsAbsPath(path), strings.HasPrefix(path, "/")
	switch {
	case osPlatform == "" && !win && !other:
		return `Path must be absolute: C:\dir\file or \\server\share\file on Windows, /dir/file elsewhere`
	case osPlatform != "" && IsWindows(osPlatform) && !win:
		return `Path must be absolute for Windows, like C:\Windows\Temp\file.zip or \\server\share\file`
	case osPlatform != "" && !IsWindows(osPlatform) && !other:
		return fmt.Sprintf("Path must be absolute for %s, starting with /, like /var/log/syslog", osPlatform)
	}
	if strings.HasSuffix(path, `\`) || strings.HasSuffix(path, "/") {
		return "Path ends with a separator; GetFile collects a file, not a folder"
	}
	return ""
}

// isWindowsAbsPath reports a drive-absolute path (C:\...) or a UNC path
// (\\server\share...).
func isWindowsAbsPath(p string) bool {
	if len(p) >= 3 && isASCIILetter(p[0]) && p[1] == ':' && (p[2] == '\\' || p[2] == '/') {
		return true
	}
	if strings.HasPrefix(p, `\\`) {
		server, rest, ok := strings.Cut(p[2:], `\`)
		share, _, _ := strings.Cut(rest, `\`)
		return ok && server != "" && share != ""
	}
	return false
}

func isASCIILetter(b byte) bool { return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') }

// hasControl reports whether s contains control characters.
func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// quoteRunes renders runes as `";" and "&"`.
func quoteRunes(rs []rune) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%q", string(r))
	}
	switch len(parts) {
	case 1:
		return parts[0]
	case 2:
		return parts[0] + " or " + parts[1]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}
