package api

import "strings"

// Feature is something mdlr does and the WindowsDefenderATP permissions it
// needs (mde-api.md §1.6). Any one of Permission and Alternatives grants
// it to an app token; any one of Delegated to a user token.
type Feature struct {
	Name         string
	Permission   string   // the application permission to grant
	Alternatives []string // other application permissions that also work
	Delegated    []string // delegated permissions, any one of which works
	Note         string   // caveat shown with the status, if any
}

// PermissionStatus is the check of one Feature against a token.
type PermissionStatus struct {
	Feature string
	Granted bool
	// Permission is the permission that grants the feature when Granted,
	// else the one to grant.
	Permission string
	// AnyOf lists the permissions (application or delegated, matching the
	// token) any one of which grants the feature.
	AnyOf []string
	Note  string
}

// Features returns the features mdlr checks permissions for.
func Features() []Feature {
	return []Feature{
		{Name: "List devices", Permission: "Machine.Read.All", Alternatives: []string{"Machine.ReadWrite.All"},
			Delegated: []string{"Machine.Read", "Machine.ReadWrite"}},
		{Name: "List and track actions", Permission: "Machine.Read.All", Alternatives: []string{"Machine.ReadWrite.All"},
			Delegated: []string{"Machine.Read", "Machine.ReadWrite"}},
		{Name: "Run live response", Permission: "Machine.LiveResponse", Delegated: []string{"Machine.LiveResponse"}},
		{Name: "Cancel actions", Permission: "Machine.LiveResponse", Delegated: []string{"Machine.LiveResponse"}},
		{Name: "Download results", Permission: "Machine.ReadWrite.All", Alternatives: []string{"Machine.Read.All"},
			Delegated: []string{"Machine.LiveResponse"},
			Note:      "docs disagree: older pages accept Machine.Read.All, newer ones demand Machine.ReadWrite.All for the result link"},
		{Name: "Manage the library", Permission: "Library.Manage", Delegated: []string{"Library.Manage"}},
	}
}

// CheckPermissions checks the permissions a token carries (roles for an
// app, scp for a user) against every feature, naming the missing one.
func CheckPermissions(c Claims) []PermissionStatus {
	held := c.Roles
	if c.IsDelegated {
		held = c.Scopes
	}
	var out []PermissionStatus
	for _, f := range Features() {
		anyOf := append([]string{f.Permission}, f.Alternatives...)
		if c.IsDelegated {
			anyOf = append([]string(nil), f.Delegated...)
		}
		st := PermissionStatus{Feature: f.Name, AnyOf: anyOf, Permission: anyOf[0], Note: f.Note}
		for _, want := range anyOf {
			if holds(held, want) {
				st.Granted, st.Permission = true, want
				break
			}
		}
		out = append(out, st)
	}
	return out
}

func holds(held []string, want string) bool {
	for _, h := range held {
		if strings.EqualFold(h, want) {
			return true
		}
	}
	return false
}
