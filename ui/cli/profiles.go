package cli

// This file is what the console needs to switch profiles: the configured
// names and a Connection for one of them, resolved like `mdlr --profile`.

// ProfileList is the config file's profiles.
type ProfileList struct {
	Names   []string // sorted
	Default string   // default_profile ("" none)
	Current string   // selected by MDLR_PROFILE or default_profile ("" none)
	File    string   // the config file's path
}

// Profiles lists the configured profiles.
func Profiles(env Env) (ProfileList, error) {
	fc, path, err := loadFileConfig(env)
	if err != nil {
		return ProfileList{File: path}, err
	}
	return ProfileList{Names: fc.ProfileNames(), Default: fc.DefaultProfile, Current: pick(env("MDLR_PROFILE"), fc.DefaultProfile), File: path}, nil
}

// ResolveConnection resolves the connection of profile ("" for the
// environment and default_profile) as `mdlr --profile NAME` would. Safety
// switches of base (read-only, ephemeral, demo, state directory) carry over,
// so switching profiles in the console never relaxes them.
func ResolveConnection(env Env, profile string, base Connection) (Connection, error) {
	f := connFlags{interactive: true, profile: profile, readOnly: base.ReadOnly, ephemeral: base.Ephemeral, demo: base.Demo, sd: base.StateDir}
	return f.resolve(env)
}
