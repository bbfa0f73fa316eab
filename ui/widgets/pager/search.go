package pager

import "strings"

// MaxMatches bounds how many matches a search records.
const MaxMatches = 1_000_000

// Match is one occurrence of the query: display line and byte range in it.
type Match struct {
	Line       int
	Start, End int
}

// SearchResult is what Search found.
type SearchResult struct {
	Query     string
	Matches   []Match
	Truncated bool // more than MaxMatches occurrences
}

// Search finds every occurrence of query in lines, ignoring the case of
// ASCII letters, in line order. It is O(total bytes); run it in a tea.Cmd.
func Search(lines []string, query string) SearchResult {
	res := SearchResult{Query: query}
	if query == "" {
		return res
	}
	q := foldASCII(query)
	for i, line := range lines {
		hay := foldASCII(line)
		off := 0
		for {
			j := strings.Index(hay[off:], q)
			if j < 0 {
				break
			}
			if len(res.Matches) >= MaxMatches {
				res.Truncated = true
				return res
			}
			start := off + j
			res.Matches = append(res.Matches, Match{Line: i, Start: start, End: start + len(q)})
			off = start + len(q)
		}
	}
	return res
}

// foldASCII lowers ASCII letters only, so byte offsets stay valid.
func foldASCII(s string) string {
	hasUpper := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			hasUpper = true
			break
		}
	}
	if !hasUpper {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
