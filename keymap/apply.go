package keymap

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
)

// Names lists every remappable binding as "group.name" (e.g. "devices.filter").
func (k *KeyMap) Names() []string {
	names := make([]string, 0, 64)
	for n := range k.table() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Apply remaps bindings from configuration: each entry maps "group.name" to
// the keys that trigger it (e.g. "devices.filter" = ["/", "ctrl+f"]). The
// help text follows the first key. Unknown names and empty key lists are
// errors that name the entry; on error nothing is changed.
func (k *KeyMap) Apply(overrides map[string][]string) error {
	table := k.table()
	var problems []string
	for name, keys := range overrides {
		if _, ok := table[strings.ToLower(name)]; !ok {
			problems = append(problems, fmt.Sprintf("unknown key binding %q", name))
			continue
		}
		if len(keys) == 0 {
			problems = append(problems, fmt.Sprintf("key binding %q has no keys", name))
		}
		for _, s := range keys {
			if strings.TrimSpace(s) == "" {
				problems = append(problems, fmt.Sprintf("key binding %q has an empty key", name))
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("keys: %s (known bindings: %s)", strings.Join(problems, "; "), strings.Join(k.Names(), ", "))
	}
	for name, keys := range overrides {
		b := table[strings.ToLower(name)]
		b.SetKeys(keys...)
		b.SetHelp(keys[0], b.Help().Desc)
	}
	return nil
}

func (k *KeyMap) table() map[string]*key.Binding {
	return map[string]*key.Binding{
		"global.quit": &k.Global.Quit, "global.help": &k.Global.Help, "global.back": &k.Global.Back,
		"global.devices": &k.Global.GoDevices, "global.actions": &k.Global.GoActions,
		"global.redraw": &k.Global.ForceRedraw, "global.audit": &k.Global.GoAudit,
		"global.profile": &k.Global.Profile, "global.dismiss": &k.Global.Dismiss,
		"signin.retry": &k.SignIn.Retry, "signin.cancel": &k.SignIn.Cancel,
		"audit.open": &k.Audit.Open, "audit.refresh": &k.Audit.Refresh,
		"nav.up": &k.Nav.Up, "nav.down": &k.Nav.Down, "nav.pageup": &k.Nav.PageUp,
		"nav.pagedown": &k.Nav.PageDown, "nav.home": &k.Nav.Home, "nav.end": &k.Nav.End,
		"nav.select": &k.Nav.Select, "nav.nextpane": &k.Nav.NextPane, "nav.prevpane": &k.Nav.PrevPane,
		"nav.left": &k.Nav.Left, "nav.right": &k.Nav.Right,
		"devices.filter": &k.Devices.Filter, "devices.sort": &k.Devices.SortNext,
		"devices.reversesort": &k.Devices.SortReverse, "devices.facetos": &k.Devices.FacetOS,
		"devices.facethealth": &k.Devices.FacetHealth, "devices.hideinactive": &k.Devices.HideInact,
		"devices.refresh": &k.Devices.Refresh, "devices.details": &k.Devices.Details,
		"compose.filter": &k.Compose.Filter, "compose.addrunscript": &k.Compose.AddRunScript,
		"compose.addputfile": &k.Compose.AddPutFile, "compose.addgetfile": &k.Compose.AddGetFile,
		"compose.remove": &k.Compose.Remove, "compose.moveup": &k.Compose.MoveUp,
		"compose.movedown": &k.Compose.MoveDown, "compose.edit": &k.Compose.EditItem,
		"compose.comment": &k.Compose.Comment, "compose.preview": &k.Compose.Preview,
		"compose.submit": &k.Compose.Submit, "compose.upload": &k.Compose.Upload,
		"compose.delete": &k.Compose.DeleteFile, "compose.toggle": &k.Compose.Toggle,
		"confirm.yes": &k.Confirm.Yes, "confirm.no": &k.Confirm.No,
		"progress.cancel": &k.Progress.Cancel, "progress.open": &k.Progress.OpenResult,
		"results.search": &k.Results.Search, "results.next": &k.Results.NextMatch,
		"results.prev": &k.Results.PrevMatch, "results.save": &k.Results.Save,
		"results.copy": &k.Results.Copy, "results.stream": &k.Results.SwitchStream,
		"actions.open": &k.Actions.Open, "actions.cancel": &k.Actions.Cancel,
		"actions.mineall": &k.Actions.MineAll, "actions.refresh": &k.Actions.Refresh,
	}
}
