package api

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// parseLiteral reads one OData string literal from the start of s and
// returns its value and the rest of s.
func parseLiteral(s string) (value, rest string, err error) {
	if !strings.HasPrefix(s, "'") {
		return "", s, errors.New("no opening quote")
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		return b.String(), s[i+1:], nil
	}
	return "", "", errors.New("unterminated literal")
}

func TestQuoteString(t *testing.T) {
	cases := map[string]string{
		"":              "''",
		"fin-ws":        "'fin-ws'",
		"O'Brien":       "'O''Brien'",
		"'":             "''''",
		"a' or 1 eq 1'": "'a'' or 1 eq 1'''",
	}
	for in, want := range cases {
		if got := QuoteString(in); got != want {
			t.Errorf("QuoteString(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFilterBuilders(t *testing.T) {
	if got := Eq("computerDnsName", "x' or '1' eq '1"); got != "computerDnsName eq 'x'' or ''1'' eq ''1'" {
		t.Errorf("Eq = %q", got)
	}
	if got := StartsWith("computerDnsName", "fin-"); got != "startswith(computerDnsName,'fin-')" {
		t.Errorf("StartsWith = %q", got)
	}
	if got := And(Eq("a", "1"), "", Or(Eq("b", "2"), Eq("c", "3"))); got != "a eq '1' and (b eq '2' or c eq '3')" {
		t.Errorf("And/Or = %q", got)
	}
	if got := Or(Eq("b", "2")); got != "b eq '2'" {
		t.Errorf("single Or = %q", got)
	}
	if got := And(); got != "" {
		t.Errorf("empty And = %q", got)
	}
	if got := GeTime("creationDateTimeUtc", time.Date(2025, 11, 3, 10, 0, 0, 0, time.FixedZone("x", 3600))); got != "creationDateTimeUtc ge 2025-11-03T09:00:00Z" {
		t.Errorf("GeTime = %q", got)
	}
}

func FuzzQuoteString(f *testing.F) {
	for _, s := range []string{"", "fin-ws-0142", "O'Brien", "''", "a' or 'b", "\x00'\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := QuoteString(s)
		v, rest, err := parseLiteral(q)
		if err != nil || v != s || rest != "" {
			t.Fatalf("QuoteString(%q) = %q parses to %q rest %q err %v", s, q, v, rest, err)
		}
		// A quoted value never ends the literal early inside a filter.
		filter := Eq("computerDnsName", s)
		v, rest, err = parseLiteral(strings.TrimPrefix(filter, "computerDnsName eq "))
		if err != nil || v != s || rest != "" {
			t.Fatalf("Eq(%q) = %q escapes its literal (rest %q)", s, filter, rest)
		}
	})
}
