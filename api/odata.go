package api

import (
	"strings"
	"time"
)

// QuoteString returns s as an OData string literal: wrapped in single quotes
// with every embedded quote doubled, so untrusted text cannot end the literal.
func QuoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Eq returns the filter "prop eq 'value'".
func Eq(prop, value string) string {
	return prop + " eq " + QuoteString(value)
}

// StartsWith returns the filter "startswith(prop,'prefix')".
func StartsWith(prop, prefix string) string {
	return "startswith(" + prop + "," + QuoteString(prefix) + ")"
}

// GeTime returns "prop ge <UTC timestamp>", the OData DateTimeOffset comparison.
func GeTime(prop string, t time.Time) string {
	return prop + " ge " + t.UTC().Format(time.RFC3339)
}

// And joins non-empty filters with "and". It needs no parentheses because Or
// parenthesises its own output and "and" binds tighter than "or".
func And(filters ...string) string {
	return join(filters, " and ", false)
}

// Or joins non-empty filters with "or", in parentheses when there are several.
func Or(filters ...string) string {
	return join(filters, " or ", true)
}

func join(filters []string, sep string, paren bool) string {
	parts := make([]string, 0, len(filters))
	for _, f := range filters {
		if f = strings.TrimSpace(f); f != "" {
			parts = append(parts, f)
		}
	}
	s := strings.Join(parts, sep)
	if paren && len(parts) > 1 {
		s = "(" + s + ")"
	}
	return s
}
