package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"mdlr/api"
	"mdlr/ui/inert"
)

// WhoAmI is what `mdlr whoami` reports (and what a console banner needs):
// who the token says the caller is and which features its permissions allow.
type WhoAmI struct {
	Profile     string                 `json:"profile,omitempty"`
	SignIn      string                 `json:"signIn"`
	Demo        bool                   `json:"demo"`
	TenantID    string                 `json:"tenantId"`
	Identity    string                 `json:"identity"`
	Delegated   bool                   `json:"delegated"`
	Expires     time.Time              `json:"expires"`
	Permissions []string               `json:"permissions"`
	Features    []api.PermissionStatus `json:"features"`
	Missing     int                    `json:"missing"`
}

// CheckIdentity signs in (if needed) and checks the token's permissions
// against every feature. The token itself is never returned.
func CheckIdentity(ctx context.Context, s *Session) (WhoAmI, error) {
	claims, err := s.Client.Identity(ctx)
	if err != nil {
		return WhoAmI{}, err
	}
	w := WhoAmI{
		Profile: s.Conn.Profile, SignIn: s.Conn.SignIn, Demo: s.Conn.Demo,
		TenantID: claims.TenantID, Delegated: claims.IsDelegated, Expires: claims.Expires,
		Features: api.CheckPermissions(claims),
	}
	if claims.IsDelegated {
		w.Permissions = claims.Scopes
		w.Identity = pick(claims.UPN, claims.Name, claims.ObjectID)
	} else {
		w.Permissions = claims.Roles
		w.Identity = "app " + pick(claims.AppID, claims.ObjectID)
	}
	if w.Permissions == nil {
		w.Permissions = []string{}
	}
	for _, f := range w.Features {
		if !f.Granted {
			w.Missing++
		}
	}
	return w, nil
}

// cmdWhoami implements `mdlr whoami`: exit 0 when every feature's
// permission is present, 1 when some are missing, 3 when sign-in fails.
func (a *App) cmdWhoami(ctx context.Context, args []string) int {
	sess, asJSON, code := a.sessionCommand(ctx, "whoami", args)
	if sess == nil {
		return code
	}
	defer sess.Close()
	w, err := CheckIdentity(ctx, sess)
	if err != nil {
		fmt.Fprintf(a.Stderr, "mdlr: cannot sign in: %s\n", inert.Text(api.Describe(err)))
		return ExitNotSent
	}
	code = 0
	if w.Missing > 0 {
		code = 1
	}
	if asJSON {
		if c := writeJSON(a, w); c != 0 {
			return c
		}
		return code
	}
	a.printWhoAmI(w)
	return code
}

func (a *App) printWhoAmI(w WhoAmI) {
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	kind := "app (roles)"
	if w.Delegated {
		kind = "user, delegated (scp)"
	}
	mode := w.SignIn
	if w.Profile != "" {
		mode += " (profile " + w.Profile + ")"
	}
	if w.Demo {
		mode += ", simulated tenant"
	}
	fmt.Fprintf(tw, "tenant\t%s\n", inert.Text(w.TenantID))
	fmt.Fprintf(tw, "identity\t%s — %s\n", inert.Text(w.Identity), kind)
	fmt.Fprintf(tw, "sign-in\t%s\n", inert.Text(mode))
	if !w.Expires.IsZero() {
		fmt.Fprintf(tw, "token expires\t%s (in %s)\n", w.Expires.Local().Format(time.DateTime), time.Until(w.Expires).Round(time.Minute))
	}
	fmt.Fprintf(tw, "permissions\t%s\n", inert.Text(strings.Join(w.Permissions, " ")))
	_ = tw.Flush()
	fmt.Fprintln(a.Stdout)
	tw = tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FEATURE\tSTATUS\tPERMISSION")
	for _, f := range w.Features {
		status := "ok"
		if !f.Granted {
			status = "MISSING"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", f.Feature, status, permissionText(f))
	}
	_ = tw.Flush()
	if w.Missing > 0 {
		fmt.Fprintf(a.Stderr, "mdlr: %d feature(s) blocked by missing permissions: grant them to the app (WindowsDefenderATP API permissions, with admin consent)\n", w.Missing)
	}
}

// permissionText is the permission column: the one granting the feature,
// or the one to grant (with the alternatives) and any caveat.
func permissionText(f api.PermissionStatus) string {
	s := f.Permission
	if !f.Granted {
		s = "grant " + f.Permission
		if others := otherThan(f.AnyOf, f.Permission); len(others) > 0 {
			s += " (or " + strings.Join(others, ", ") + ")"
		}
	}
	if f.Note != "" {
		s += " — " + f.Note
	}
	return inert.Text(s)
}

func otherThan(list []string, skip string) []string {
	var out []string
	for _, v := range list {
		if v != skip {
			out = append(out, v)
		}
	}
	return out
}
