package api

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeAz puts a shell script named az first on PATH. It appends its
// arguments to the returned log file, then runs body.
func fakeAz(t *testing.T, body string) (argsLog string) {
	t.Helper()
	dir := t.TempDir()
	argsLog = filepath.Join(dir, "args.log")
	script := "#!/bin/sh\necho \"$*\" >> '" + argsLog + "'\n" + body + "\n"
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	return argsLog
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

func TestAzureCLITokenSource(t *testing.T) {
	exp := time.Now().Add(time.Hour).Unix()
	jwt := fakeJWT(t, map[string]any{"tid": "t1", "upn": "a@contoso.com", "scp": "Machine.Read"})
	argsLog := fakeAz(t, `printf '{"accessToken":"`+jwt+`","expiresOn":"2030-01-01 00:00:00.000000","expires_on":`+
		itoa(exp)+`,"tenant":"t1","tokenType":"Bearer"}'`)
	ts := AzureCLITokenSource(context.Background(), "https://api.securitycenter.microsoft.com", "t1")
	tok, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != jwt || tok.Expiry.Unix() != exp {
		t.Errorf("token %q expiry %v", tok.AccessToken, tok.Expiry)
	}
	if _, err := ts.Token(); err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, argsLog)
	if len(lines) != 1 {
		t.Errorf("az ran %d times for two Token calls, want 1 (token reused)", len(lines))
	}
	if want := "account get-access-token --resource https://api.securitycenter.microsoft.com --tenant t1 -o json"; lines[0] != want {
		t.Errorf("az args %q, want %q", lines[0], want)
	}
	// After the API refuses the token, the next call asks az again.
	ts.(forgetter).forget(jwt)
	if _, err := ts.Token(); err != nil {
		t.Fatal(err)
	}
	if n := len(readLines(t, argsLog)); n != 2 {
		t.Errorf("az ran %d times after forget, want 2", n)
	}
}

func TestAzureCLITokenSourceOlderExpiryFormat(t *testing.T) {
	fakeAz(t, `printf '{"accessToken":"opaque","expiresOn":"2031-05-06 07:08:09.000000"}'`)
	tok, err := AzureCLITokenSource(context.Background(), "https://api.securitycenter.microsoft.com", "").Token()
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2031, 5, 6, 7, 8, 9, 0, time.Local); !tok.Expiry.Equal(want) {
		t.Errorf("expiry %v, want %v", tok.Expiry, want)
	}
}

func TestAzureCLITokenSourceFailures(t *testing.T) {
	const res = "https://api.securitycenter.microsoft.com"
	cases := []struct {
		name, script, tenant, want string
	}{
		{"not signed in", `echo "ERROR: Please run 'az login' to setup account." >&2; exit 1`, "t1", "not signed in: run az login --tenant t1"},
		{"AADSTS", `echo "ERROR: AADSTS65001: The user or administrator has not consented" >&2; exit 1`, "", "consent"},
		{"token in stderr", `echo "ERROR: bad eyJhbGciOi.eyJzdWIi.c2ln" >&2; exit 1`, "", "no details"},
		{"no token printed", `echo '{}'`, "", "printed no access token"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fakeAz(t, c.script)
			_, err := AzureCLITokenSource(context.Background(), res, c.tenant).Token()
			var ae *AuthError
			if !errors.As(err, &ae) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want AuthError mentioning %q", err, c.want)
			}
			if strings.Contains(err.Error(), "eyJ") {
				t.Errorf("error quotes a token: %v", err)
			}
		})
	}
	t.Run("az missing", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		_, err := AzureCLITokenSource(context.Background(), res, "").Token()
		if err == nil || !strings.Contains(err.Error(), "not installed") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("option-like arguments are refused before running az", func(t *testing.T) {
		argsLog := fakeAz(t, `exit 0`)
		for _, args := range [][2]string{{"--debug", ""}, {res, "-x"}, {res, "a b"}} {
			if _, err := AzureCLITokenSource(context.Background(), args[0], args[1]).Token(); err == nil {
				t.Errorf("%q: no error", args)
			}
		}
		if _, err := os.Stat(argsLog); err == nil {
			t.Error("az ran with unsafe arguments")
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		fakeAz(t, `printf '{"accessToken":"x","expires_on":1}'`)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := AzureCLITokenSource(ctx, res, "").Token(); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}
