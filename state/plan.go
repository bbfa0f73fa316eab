package state

import "mdlr/api"

// typeRank is the position of a command type in the required order
// PutFile → RunScript → GetFile; unknown types sort last.
func typeRank(t string) int {
	switch t {
	case api.CommandPutFile:
		return 0
	case api.CommandRunScript:
		return 1
	case api.CommandGetFile:
		return 2
	}
	return 3
}

// Ordered returns a copy of the plan with its commands grouped into PutFile,
// RunScript and GetFile, keeping each type's relative order.
func (p Plan) Ordered() Plan {
	out := p
	out.Commands = make([]PlanCommand, 0, len(p.Commands))
	for rank := 0; rank <= 3; rank++ {
		for _, c := range p.Commands {
			if typeRank(c.Type) == rank {
				out.Commands = append(out.Commands, c)
			}
		}
	}
	return out
}

// Add inserts c after the last command of its type (or of an earlier type),
// so the plan stays in the required order.
func (p *Plan) Add(c PlanCommand) {
	pos := len(p.Commands)
	for i, existing := range p.Commands {
		if typeRank(existing.Type) > typeRank(c.Type) {
			pos = i
			break
		}
	}
	cmds := make([]PlanCommand, 0, len(p.Commands)+1)
	cmds = append(cmds, p.Commands[:pos]...)
	cmds = append(cmds, c)
	cmds = append(cmds, p.Commands[pos:]...)
	p.Commands = cmds
}

// Remove deletes command i; an out-of-range index is ignored.
func (p *Plan) Remove(i int) {
	if i < 0 || i >= len(p.Commands) {
		return
	}
	cmds := make([]PlanCommand, 0, len(p.Commands)-1)
	cmds = append(cmds, p.Commands[:i]...)
	cmds = append(cmds, p.Commands[i+1:]...)
	p.Commands = cmds
}

// Move shifts command i by delta positions. It refuses (returns false) a move
// out of range or one that would break the PutFile → RunScript → GetFile order.
func (p *Plan) Move(i, delta int) bool {
	j := i + delta
	if delta == 0 || i < 0 || i >= len(p.Commands) || j < 0 || j >= len(p.Commands) {
		return false
	}
	cmds := make([]PlanCommand, 0, len(p.Commands))
	moved := p.Commands[i]
	for k, c := range p.Commands {
		if k != i {
			cmds = append(cmds, c)
		}
	}
	cmds = append(cmds[:j], append([]PlanCommand{moved}, cmds[j:]...)...)
	if firstOutOfOrder(cmds) >= 0 && firstOutOfOrder(p.Commands) < 0 {
		return false
	}
	p.Commands = cmds
	return true
}

// firstOutOfOrder returns the index of the first command whose type comes
// before a type already seen, or -1 when the order is valid.
func firstOutOfOrder(cmds []PlanCommand) int {
	maxRank := 0
	for i, c := range cmds {
		r := typeRank(c.Type)
		if r > 2 {
			continue // unknown types are reported separately
		}
		if r < maxRank {
			return i
		}
		maxRank = r
	}
	return -1
}
