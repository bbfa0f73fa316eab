package api

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"mdlr/api/mdesim"
)

// TestSignInErrorsHoldNoSecrets collects the errors of failed sign-ins and
// checks none quotes a secret, refresh token, access token or assertion.
func TestSignInErrorsHoldNoSecrets(t *testing.T) {
	st := deviceTenant(t, mdesim.Options{})
	ctx := context.Background()
	var errs []error
	var secrets []string

	// Wrong secret.
	const wrong = "wr0ng-Secret~Value"
	secrets = append(secrets, wrong)
	_, err := st.appClient(t, mdesim.DemoClientID, wrong).Identity(ctx)
	errs = append(errs, err)

	// Wrong certificate: the assertion must not leak.
	key, cert := newSelfSigned(t)
	certs, signer, _ := LoadCertificate(writePEM(t, cert, key), "")
	ts, _ := NewCertificateTokenSource(ctx, CertConfig{TokenURL: st.tokenURL(), ClientID: mdesim.DemoClientID, Certs: certs, Key: signer})
	_, err = ts.Token()
	errs = append(errs, err)

	// Expired refresh token after a good device sign-in.
	cfg := st.deviceConfig(FileTokenCache(filepath.Join(t.TempDir(), "t.json")))
	flow, err := StartDeviceCode(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	st.sim.ApproveDeviceCode(flow.Prompt().UserCode)
	good, err := flow.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := good.Token()
	saved, _ := cfg.Cache.Load()
	secrets = append(secrets, tok.AccessToken, saved.RefreshToken, mdesim.DemoClientSecret)
	st.sim.ExpireRefreshTokens()
	_, _, err = CachedDelegatedTokenSource(ctx, cfg)
	errs = append(errs, err)

	for _, f := range st.tokenForms() {
		for _, k := range []string{"client_assertion", "client_secret", "refresh_token", "device_code"} {
			if v := f.Get(k); len(v) > 8 {
				secrets = append(secrets, v)
			}
		}
	}
	for i, err := range errs {
		if err == nil {
			t.Fatalf("case %d did not fail", i)
		}
		var ae *AuthError
		if !errors.As(err, &ae) || ae.Fix == "" {
			t.Errorf("case %d: %v is not an AuthError with a fix", i, err)
		}
		for _, text := range []string{err.Error(), Describe(err), ae.Description} {
			for _, s := range secrets {
				if strings.Contains(text, s) {
					t.Errorf("case %d: error text %q contains a secret", i, text)
				}
			}
		}
	}
}

func TestEntraFixesAreOneSentence(t *testing.T) {
	for _, code := range []string{"AADSTS7000215", "AADSTS700016", "AADSTS90002", "AADSTS7000218", "AADSTS65001",
		"AADSTS50105", "AADSTS53003", "AADSTS700027", "AADSTS70043", "AADSTS700082"} {
		fix := aadstsFixes[code]
		if fix == "" {
			t.Errorf("%s has no fix", code)
			continue
		}
		if strings.Contains(strings.TrimSuffix(fix, "."), ". ") || strings.ContainsAny(fix, "\n") {
			t.Errorf("%s fix is more than one sentence: %q", code, fix)
		}
	}
	for code, want := range map[string]string{
		"AADSTS7000218": "Allow public client flows", "AADSTS65001": "admin must grant consent",
		"AADSTS53003": "certificate or az sign-in", "AADSTS700082": "mdlr logout",
	} {
		if !strings.Contains(aadstsFixes[code], want) {
			t.Errorf("%s fix %q lacks %q", code, aadstsFixes[code], want)
		}
	}
}
