package devices

import "strings"

// sym is an interned string: an index into a symbols table.
type sym uint32

// symbols interns the few distinct values of repeated fields (OS, health,
// risk, exposure, group, OS version, architecture, agent version,
// onboarding) so that a row stores 4 bytes per field instead of a string.
type symbols struct {
	strs []string
	ids  map[string]sym
}

func newSymbols() *symbols { return &symbols{strs: []string{""}, ids: map[string]sym{"": 0}} }

// intern returns the symbol of v, adding a copy of v (so that v's backing
// memory, e.g. a decoded page, is not kept alive) when it is new.
func (s *symbols) intern(v string) sym {
	if id, ok := s.ids[v]; ok {
		return id
	}
	v = strings.Clone(v)
	id := sym(len(s.strs))
	s.strs = append(s.strs, v)
	s.ids[v] = id
	return id
}

// str returns the string of id.
func (s *symbols) str(id sym) string { return s.strs[id] }
