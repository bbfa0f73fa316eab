package mdesim

import (
	"net/http"
	"strings"
)

// requiredPermissions returns the application and delegated permissions of
// which a token needs one to call the resource (mde-api.md §1.6).
func requiredPermissions(res string, parts []string) (app, delegated []string) {
	read := func() ([]string, []string) {
		return []string{"Machine.Read.All", "Machine.ReadWrite.All"}, []string{"Machine.Read", "Machine.ReadWrite"}
	}
	last := strings.ToLower(parts[len(parts)-1])
	switch {
	case res == "machines" && len(parts) == 3 && last == "runliveresponse":
		return []string{"Machine.LiveResponse"}, []string{"Machine.LiveResponse"}
	case res == "machineactions" && len(parts) == 3 && last == "cancel":
		return []string{"Machine.LiveResponse", "Machine.Isolate", "Machine.Scan", "Machine.CollectForensics"},
			[]string{"Machine.LiveResponse", "Machine.Isolate", "Machine.Scan", "Machine.CollectForensics"}
	case res == "machineactions" && len(parts) == 3 && strings.HasPrefix(last, "getliveresponseresultdownloadlink("):
		return []string{"Machine.Read.All", "Machine.ReadWrite.All"}, []string{"Machine.LiveResponse"}
	case res == "libraryfiles":
		return []string{"Library.Manage"}, []string{"Library.Manage"}
	}
	return read()
}

// permitted answers 403 Forbidden, like the service, when the token lacks
// the permission the resource needs.
func permitted(w http.ResponseWriter, ti *tokenInfo, res string, parts []string) bool {
	if ti == nil {
		return true
	}
	app, delegated := requiredPermissions(res, parts)
	need, kind := app, "application"
	if ti.delegated {
		need, kind = delegated, "delegated"
	}
	if ti.has(need...) {
		return true
	}
	writeError(w, http.StatusForbidden, codeForbidden,
		"The application does not have any of the required "+kind+" permissions ("+strings.Join(need, ", ")+") to access the resource.")
	return false
}
