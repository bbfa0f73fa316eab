package keymap

import (
	"fmt"
	"sort"
	"strings"
)

// groupOrder is the order screens appear in the generated key table.
var groupOrder = []string{"global", "nav", "signin", "devices", "compose", "confirm", "progress", "results", "actions", "audit"}

// Markdown renders every binding as a Markdown table (screen, config
// name, keys, action) for the README, so the documentation is generated
// from the same definitions the console uses.
func (k *KeyMap) Markdown() string {
	table := k.table()
	rank := map[string]int{}
	for i, g := range groupOrder {
		rank[g] = i
	}
	names := k.Names()
	sort.SliceStable(names, func(a, b int) bool {
		ga, gb := strings.SplitN(names[a], ".", 2)[0], strings.SplitN(names[b], ".", 2)[0]
		if rank[ga] != rank[gb] {
			return rank[ga] < rank[gb]
		}
		return names[a] < names[b]
	})
	var b strings.Builder
	b.WriteString("| screen | config name | keys | does |\n|---|---|---|---|\n")
	for _, n := range names {
		bd := table[n]
		keys := make([]string, len(bd.Keys()))
		for i, s := range bd.Keys() {
			keys[i] = "`" + s + "`"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", strings.SplitN(n, ".", 2)[0], n, strings.Join(keys, " "), bd.Help().Desc)
	}
	return b.String()
}
