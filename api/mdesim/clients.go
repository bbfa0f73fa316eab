package mdesim

import (
	"crypto/sha256"
	"crypto/x509"
	"net/http"
	"strings"
)

// Permissions granted to the simulated app registrations and the signed-in user.
var (
	appRolesFull     = []string{"Machine.Read.All", "Machine.ReadWrite.All", "Machine.LiveResponse", "Library.Manage"}
	appRolesReadOnly = []string{"Machine.Read.All"}
	delegatedScopes  = []string{"Machine.Read", "Machine.LiveResponse", "Library.Manage"}
)

// demoUserObjectID is the object id of DemoUser.
const demoUserObjectID = "6b1f0e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b"

// registration is an app registration of the simulated tenant.
type registration struct {
	clientID     string
	secret       string
	roles        []string // application permissions with admin consent
	certs        []*x509.Certificate
	publicClient bool // "Allow public client flows"
}

// registrationFor returns the app registration of clientID, or nil.
func (s *Sim) registrationFor(clientID string) *registration {
	switch {
	case clientID == "":
		return nil
	case strings.EqualFold(clientID, s.opts.ClientID):
		return &registration{
			clientID: s.opts.ClientID, secret: s.opts.ClientSecret, roles: appRolesFull,
			certs: s.opts.ClientCertificates, publicClient: true,
		}
	case strings.EqualFold(clientID, DemoReadOnlyClientID):
		return &registration{clientID: DemoReadOnlyClientID, secret: DemoReadOnlyClientSecret, roles: appRolesReadOnly}
	}
	return nil
}

// servicePrincipalID derives a stable object id for an app's service principal.
func servicePrincipalID(clientID string) string {
	sum := sha256.Sum256([]byte("sp:" + strings.ToLower(clientID)))
	var b [16]byte
	copy(b[:], sum[:16])
	return formatGUID(b)
}

// requestorOf is the requestor recorded on an action created with ti: the
// user for a delegated token, Options.Requestor for the main app, else the
// app's client id.
func (s *Sim) requestorOf(ti *tokenInfo) string {
	switch {
	case ti == nil || strings.EqualFold(ti.clientID, s.opts.ClientID) && !ti.delegated:
		return s.opts.Requestor
	case ti.delegated:
		return ti.upn
	}
	return ti.clientID
}

// clientOrError returns the registration of clientID, or answers
// AADSTS700016 (unknown application) and returns nil.
func (s *Sim) clientOrError(w http.ResponseWriter, clientID, tenant string) *registration {
	reg := s.registrationFor(clientID)
	if reg == nil {
		s.writeOAuthError(w, http.StatusBadRequest, "unauthorized_client", 700016,
			"AADSTS700016: Application with identifier '"+clientID+"' was not found in the directory '"+tenant+"'.")
	}
	return reg
}

// writeNoClientCredential answers AADSTS7000218: a confidential client sent
// neither a secret nor an assertion (also what Entra says when public
// client flows are not allowed for the app).
func (s *Sim) writeNoClientCredential(w http.ResponseWriter) {
	s.writeOAuthError(w, http.StatusUnauthorized, "invalid_client", 7000218,
		"AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
}

// publicClientOrError returns the registration of clientID if it may use
// public-client (delegated) flows, or answers the Entra error and returns nil.
func (s *Sim) publicClientOrError(w http.ResponseWriter, clientID, tenant string) *registration {
	reg := s.clientOrError(w, clientID, tenant)
	if reg != nil && !reg.publicClient {
		s.writeNoClientCredential(w)
		return nil
	}
	return reg
}
