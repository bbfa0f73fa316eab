package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"mdlr/api/mdesim"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// fakeJWT builds an unsigned JWT-shaped token with claims.
func fakeJWT(t *testing.T, claims map[string]any) string {
	t.Helper()
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString(b) + ".c2ln"
}

// appClient is a secret-based client of the sim for clientID.
func (st *simTenant) appClient(t *testing.T, clientID, secret string) *Client {
	t.Helper()
	c, err := New(Config{BaseURL: st.url, TokenURL: st.tokenURL(), ClientID: clientID, ClientSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseClaimsOfSimAppToken(t *testing.T) {
	st := newSimTenant(t, mdesim.Options{})
	before := time.Now()
	id, err := st.appClient(t, mdesim.DemoClientID, mdesim.DemoClientSecret).Identity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if id.IsDelegated || id.AppID != mdesim.DemoClientID || id.TenantID != mdesim.DemoTenantID || id.ObjectID == "" || id.UPN != "" {
		t.Errorf("claims %+v", id)
	}
	if id.Audience != "https://api.securitycenter.microsoft.com" {
		t.Errorf("aud %q", id.Audience)
	}
	if d := id.Expires.Sub(before); d < 59*time.Minute || d > 61*time.Minute {
		t.Errorf("expires in %s, want about an hour", d)
	}
	for _, r := range []string{"Machine.Read.All", "Machine.LiveResponse", "Library.Manage"} {
		if !holds(id.Roles, r) {
			t.Errorf("roles %v lack %s", id.Roles, r)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := st.appClient(t, mdesim.DemoClientID, mdesim.DemoClientSecret).Identity(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Identity: %v", err)
	}
}

func TestParseClaimsVariants(t *testing.T) {
	c, err := ParseClaims(fakeJWT(t, map[string]any{
		"aud": []string{"a", "b"}, "azp": "client-2", "unique_name": "u@x\x1b[31m", "scp": "Machine.Read  Library.Manage", "exp": 1700000000,
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsDelegated || c.AppID != "client-2" || c.UPN != "u@x[31m" || len(c.Scopes) != 2 || c.Expires.Unix() != 1700000000 {
		t.Errorf("claims %+v", c)
	}
	for _, bad := range []string{"opaque-token-value", "a.b", "a.!!!.c", "a." + base64.RawURLEncoding.EncodeToString([]byte("[1]")) + ".c"} {
		_, err := ParseClaims(bad)
		if err == nil {
			t.Errorf("%q: no error", bad)
		} else if strings.Contains(err.Error(), bad) {
			t.Errorf("error quotes the token: %v", err)
		}
	}
}

func statusOf(t *testing.T, sts []PermissionStatus, feature string) PermissionStatus {
	t.Helper()
	for _, s := range sts {
		if s.Feature == feature {
			return s
		}
	}
	t.Fatalf("no feature %q in %v", feature, sts)
	return PermissionStatus{}
}

func TestCheckPermissions(t *testing.T) {
	st := newSimTenant(t, mdesim.Options{})
	full, err := st.appClient(t, mdesim.DemoClientID, mdesim.DemoClientSecret).Identity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range CheckPermissions(full) {
		if !s.Granted {
			t.Errorf("full app: %s not granted", s.Feature)
		}
	}

	ro, err := st.appClient(t, mdesim.DemoReadOnlyClientID, mdesim.DemoReadOnlyClientSecret).Identity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sts := CheckPermissions(ro)
	if len(sts) != len(Features()) {
		t.Fatalf("%d statuses for %d features", len(sts), len(Features()))
	}
	want := map[string]string{ // feature → missing permission ("" = granted)
		"List devices": "", "List and track actions": "",
		"Run live response": "Machine.LiveResponse", "Cancel actions": "Machine.LiveResponse",
		"Manage the library": "Library.Manage", "Download results": "",
	}
	for feature, missing := range want {
		s := statusOf(t, sts, feature)
		if s.Granted != (missing == "") || (missing != "" && s.Permission != missing) {
			t.Errorf("read-only app, %s: %+v, want missing %q", feature, s, missing)
		}
	}
	if dl := statusOf(t, sts, "Download results"); dl.Permission != "Machine.Read.All" || dl.Note == "" {
		t.Errorf("result link via Machine.Read.All should be granted with the doc-drift note: %+v", dl)
	}

	user := Claims{IsDelegated: true, Scopes: []string{"Machine.Read"}}
	if s := statusOf(t, CheckPermissions(user), "Run live response"); s.Granted || s.AnyOf[0] != "Machine.LiveResponse" {
		t.Errorf("delegated without Machine.LiveResponse: %+v", s)
	}
	if s := statusOf(t, CheckPermissions(user), "List devices"); !s.Granted || s.Permission != "Machine.Read" {
		t.Errorf("delegated list devices: %+v", s)
	}
	if s := statusOf(t, CheckPermissions(Claims{Roles: []string{"Machine.Read"}}), "List devices"); s.Granted {
		t.Errorf("an app role named like a delegated permission granted the feature: %+v", s)
	}
}

func TestForbiddenNamesTheMissingPermission(t *testing.T) {
	st := newSimTenant(t, mdesim.Options{})
	c := st.appClient(t, mdesim.DemoReadOnlyClientID, mdesim.DemoReadOnlyClientSecret)
	ctx := context.Background()
	if _, err := c.GetMachine(ctx, mdesim.DeviceAnalyst); err != nil {
		t.Fatalf("reading devices should be allowed: %v", err)
	}
	req := RunLiveResponseRequest{Comment: "triage", Commands: []Command{{Type: "RunScript", Params: []Param{{Key: "ScriptName", Value: mdesim.ScriptTriage}}}}}
	_, err := c.SubmitLiveResponse(ctx, mdesim.DeviceAnalystID, req, time.Now())
	if !IsForbidden(err) || MissingPermission(err) != "Machine.LiveResponse" {
		t.Fatalf("runliveresponse: %v (missing %q)", err, MissingPermission(err))
	}
	msg := Describe(err)
	if !strings.Contains(msg, "Machine.LiveResponse") || !strings.Contains(msg, "audience") {
		t.Errorf("Describe = %q", msg)
	}
	if st.sim.LiveResponseActionCount() != 0 {
		t.Error("a forbidden submission created an action")
	}
	_, err = c.ListLibraryFiles(ctx)
	if !IsForbidden(err) || !strings.Contains(Describe(err), "Library.Manage") {
		t.Errorf("library: %v", err)
	}
}
