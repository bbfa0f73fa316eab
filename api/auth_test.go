package api

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestTokenURLFor(t *testing.T) {
	got := TokenURLFor("https://login.microsoftonline.us/", "tid")
	if got != "https://login.microsoftonline.us/tid/oauth2/v2.0/token" {
		t.Fatalf("TokenURLFor = %q", got)
	}
}

func libraryHandler(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, `{"@odata.context":"x","value":[`+libraryFileJSON+`]}`)
}

func TestTokenIsReusedAndRefreshedOnExpiry(t *testing.T) {
	ten := newTenant(t)
	ten.handle("GET /api/libraryfiles", libraryHandler)
	clk := newFakeClock()
	c := ten.client(t, clk)
	for range 3 {
		if _, err := c.ListLibraryFiles(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if issued, _ := ten.counts(); issued != 1 {
		t.Fatalf("tokens issued for 3 calls = %d, want 1", issued)
	}
	clk.Advance(time.Hour) // past expires_in=3599
	if _, err := c.ListLibraryFiles(t.Context()); err != nil {
		t.Fatal(err)
	}
	if issued, _ := ten.counts(); issued != 2 {
		t.Fatalf("tokens issued after expiry = %d, want 2", issued)
	}
}

func TestUnauthorizedDropsTokenAndRetriesOnce(t *testing.T) {
	ten := newTenant(t)
	ten.handle("GET /api/libraryfiles", libraryHandler)
	clk := newFakeClock()
	c := ten.client(t, clk)
	if _, err := c.ListLibraryFiles(t.Context()); err != nil {
		t.Fatal(err)
	}
	ten.revoke()
	files, err := c.ListLibraryFiles(t.Context())
	if err != nil {
		t.Fatalf("after revoke: %v", err)
	}
	if len(files) != 1 {
		t.Fatalf("files = %d", len(files))
	}
	if issued, calls := ten.counts(); issued != 2 || calls != 3 {
		t.Fatalf("issued=%d apiCalls=%d, want 2 and 3", issued, calls)
	}
}

type staticSource struct{ tok string }

func (s staticSource) Token() (*oauth2.Token, error) {
	return &oauth2.Token{AccessToken: s.tok, Expiry: time.Now().Add(time.Hour)}, nil
}

func TestPersistentUnauthorizedStopsAfterOneRetry(t *testing.T) {
	ten := newTenant(t)
	ten.handle("GET /api/libraryfiles", libraryHandler)
	clk := newFakeClock()
	cfg := ten.config(clk)
	c, err := NewWithTokenSource(cfg, staticSource{tok: "never-valid-token"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListLibraryFiles(t.Context())
	var ae *Error
	if !errors.As(err, &ae) || ae.StatusCode != 401 {
		t.Fatalf("err = %v, want 401 *Error", err)
	}
	if strings.Contains(err.Error(), "never-valid-token") {
		t.Fatalf("error leaks the token: %v", err)
	}
	if _, calls := ten.counts(); calls != 2 {
		t.Fatalf("API calls = %d, want 2 (one retry)", calls)
	}
}

func TestWrongSecretGivesAuthErrorWithFix(t *testing.T) {
	ten := newTenant(t)
	ten.tokenError = `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.\r\nTrace ID: 1\r\nCorrelation ID: 2","error_codes":[7000215]}`
	ten.handle("GET /api/libraryfiles", libraryHandler)
	c := ten.client(t, newFakeClock())
	_, err := c.ListLibraryFiles(t.Context())
	var ae *AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %T %v, want *AuthError", err, err)
	}
	if ae.Code != "AADSTS7000215" || ae.OAuthError != "invalid_client" {
		t.Fatalf("code=%q oauth=%q", ae.Code, ae.OAuthError)
	}
	mustContain(t, Describe(err), "the client secret is wrong or expired: create a new one in the app registration")
	if strings.Contains(err.Error(), testSecret) || strings.Contains(ae.Description, "\n") {
		t.Fatalf("auth error leaks secret or raw lines: %q", err)
	}
}

func TestUnknownTenantAuthError(t *testing.T) {
	ten := newTenant(t)
	ten.tokenError = `{"error":"invalid_request","error_description":"AADSTS90002: Tenant 'x' not found."}`
	c := ten.client(t, newFakeClock())
	_, err := c.ListLibraryFiles(t.Context())
	var ae *AuthError
	if !errors.As(err, &ae) || ae.Code != "AADSTS90002" {
		t.Fatalf("err = %v", err)
	}
	mustContain(t, ae.Fix, "tenant")
}
