package state

import (
	"encoding/json"
	"strings"

	"mdlr/api"
)

// Request returns the exact runliveresponse body for the plan, in the plan's
// order. Args are sent only when non-empty.
func (p Plan) Request() api.RunLiveResponseRequest {
	req := api.RunLiveResponseRequest{Comment: p.Comment, Commands: make([]api.Command, 0, len(p.Commands))}
	for _, c := range p.Commands {
		req.Commands = append(req.Commands, c.command())
	}
	return req
}

// command converts one plan command to its API form.
func (c PlanCommand) command() api.Command {
	cmd := api.Command{Type: c.Type}
	switch c.Type {
	case api.CommandPutFile:
		cmd.Params = []api.Param{{Key: api.ParamFileName, Value: c.Name}}
	case api.CommandRunScript:
		cmd.Params = []api.Param{{Key: api.ParamScriptName, Value: c.Name}}
		if c.Args != "" {
			cmd.Params = append(cmd.Params, api.Param{Key: api.ParamArgs, Value: c.Args})
		}
	case api.CommandGetFile:
		cmd.Params = []api.Param{{Key: api.ParamPath, Value: c.Path}}
	default:
		cmd.Params = []api.Param{}
	}
	return cmd
}

// RequestJSON returns the request body as indented JSON for a preview.
func (p Plan) RequestJSON() ([]byte, error) {
	return json.MarshalIndent(p.Request(), "", "  ")
}

// ParseScriptFlag parses the CLI form "NAME [ARGS]": the first space splits
// the script name from its arguments.
func ParseScriptFlag(s string) PlanCommand {
	s = strings.TrimSpace(s)
	name, args, _ := strings.Cut(s, " ")
	return PlanCommand{Type: api.CommandRunScript, Name: name, Args: strings.TrimSpace(args)}
}

// Target is the short text naming what a command acts on: the file name for
// PutFile, script and args for RunScript, the path for GetFile.
func (c PlanCommand) Target() string {
	switch c.Type {
	case api.CommandRunScript:
		if c.Args != "" {
			return c.Name + " " + c.Args
		}
		return c.Name
	case api.CommandGetFile:
		return c.Path
	}
	return c.Name
}

// planCommandFrom converts an API command back to a plan command.
func planCommandFrom(c api.Command) PlanCommand {
	pc := PlanCommand{Type: c.Type}
	switch c.Type {
	case api.CommandPutFile:
		pc.Name = c.Param(api.ParamFileName)
	case api.CommandRunScript:
		pc.Name = c.Param(api.ParamScriptName)
		pc.Args = c.Param(api.ParamArgs)
	case api.CommandGetFile:
		pc.Path = c.Param(api.ParamPath)
	}
	return pc
}
