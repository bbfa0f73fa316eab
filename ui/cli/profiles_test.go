package cli

import (
	"testing"
)

func TestProfilesAndResolveConnectionForTheSwitcher(t *testing.T) {
	env := configEnv(t, profilesTOML, map[string]string{"MDLR_PROFILE": "eu"})
	get := func(k string) string { return env[k] }
	pl, err := Profiles(get)
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Names) != 3 || pl.Names[0] != "eu" || pl.Default != "prod" || pl.Current != "eu" || pl.File != env["MDLR_CONFIG"] {
		t.Fatalf("profiles = %+v", pl)
	}
	c, err := ResolveConnection(get, "gov", Connection{})
	if err != nil || c.Profile != "gov" || c.Cloud != "gcchigh" || c.SignIn != SignInCertificate || !c.ReadOnly {
		t.Fatalf("gov = %+v (%v)", c, err)
	}
	// A read-only session stays read-only when switching to a writable profile.
	c, err = ResolveConnection(get, "prod", Connection{ReadOnly: true, StateDir: "/s"})
	if err != nil || !c.ReadOnly || c.StateDir != "/s" || c.TenantID != "tenant-from-profile" {
		t.Fatalf("prod from a read-only session = %+v (%v)", c, err)
	}
	if _, err := ResolveConnection(get, "ghost", Connection{}); err == nil {
		t.Fatal("an undefined profile resolved")
	}
}
