package mdesim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// fieldGetter returns a record's value for an OData property: a string or a
// time.Time. The bool is false for properties the resource cannot filter on.
type fieldGetter func(name string) (any, bool)

// filterExpr is a parsed $filter expression.
type filterExpr interface {
	eval(get fieldGetter) bool
}

type tokenKind int

const (
	tokIdent tokenKind = iota
	tokString
	tokNumber
	tokDateTime
	tokLParen
	tokRParen
	tokComma
	tokEOF
)

type token struct {
	kind tokenKind
	text string    // identifier text, string value or number text
	when time.Time // tokDateTime
}

// lexFilter splits a $filter expression into tokens.
func lexFilter(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			out = append(out, token{kind: tokLParen})
			i++
		case c == ')':
			out = append(out, token{kind: tokRParen})
			i++
		case c == ',':
			out = append(out, token{kind: tokComma})
			i++
		case c == '\'':
			var b strings.Builder
			j := i + 1
			closed := false
			for j < len(s) {
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					closed = true
					j++
					break
				}
				b.WriteByte(s[j])
				j++
			}
			if !closed {
				return nil, fmt.Errorf("unterminated string literal at position %d", i)
			}
			out = append(out, token{kind: tokString, text: b.String()})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && isLiteralChar(s[j]) {
				j++
			}
			text := s[i:j]
			if _, err := strconv.ParseInt(text, 10, 64); err == nil {
				out = append(out, token{kind: tokNumber, text: text})
			} else if t, ok := parseODataTime(text); ok {
				out = append(out, token{kind: tokDateTime, text: text, when: t})
			} else {
				return nil, fmt.Errorf("invalid literal %q", text)
			}
			i = j
		case isIdentStart(c):
			j := i
			for j < len(s) && (isIdentStart(s[j]) || s[j] >= '0' && s[j] <= '9' || s[j] == '/') {
				j++
			}
			out = append(out, token{kind: tokIdent, text: s[i:j]})
			i = j
		default:
			return nil, fmt.Errorf("unexpected character %q at position %d", c, i)
		}
	}
	return append(out, token{kind: tokEOF}), nil
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$'
}

func isLiteralChar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == ':' || c == '.' || c == '-' || c == '+'
}

var odataTimeLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05", "2006-01-02Z07:00", "2006-01-02",
}

func parseODataTime(s string) (time.Time, bool) {
	for _, l := range odataTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// filterParser is a recursive-descent parser:
//
//	expr    := and ("or" and)*
//	and     := primary ("and" primary)*
//	primary := "(" expr ")" | "startswith" "(" prop "," string ")"
//	         | prop op literal | prop "in" "(" literal ("," literal)* ")"
type filterParser struct {
	toks    []token
	pos     int
	allowed map[string]bool
}

// parseFilter parses a $filter expression restricted to the allowed properties.
func parseFilter(s string, allowed map[string]bool) (filterExpr, error) {
	toks, err := lexFilter(s)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks, allowed: allowed}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tokEOF {
		return nil, fmt.Errorf("unexpected %s after expression", p.peek().describe())
	}
	return e, nil
}

func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of expression"
	case tokLParen:
		return "'('"
	case tokRParen:
		return "')'"
	case tokComma:
		return "','"
	case tokString:
		return "string literal"
	}
	return fmt.Sprintf("%q", t.text)
}

func (p *filterParser) peek() token { return p.toks[p.pos] }
func (p *filterParser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

func (p *filterParser) isKeyword(word string) bool {
	t := p.peek()
	return t.kind == tokIdent && strings.EqualFold(t.text, word)
}

func (p *filterParser) expect(kind tokenKind, what string) (token, error) {
	t := p.next()
	if t.kind != kind {
		return t, fmt.Errorf("expected %s, found %s", what, t.describe())
	}
	return t, nil
}

func (p *filterParser) parseOr() (filterExpr, error) {
	left, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.isKeyword("or") {
		p.next()
		right, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		left = orExpr{left, right}
	}
	return left, nil
}

func (p *filterParser) parseAnd() (filterExpr, error) {
	left, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	for p.isKeyword("and") {
		p.next()
		right, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		left = andExpr{left, right}
	}
	return left, nil
}

func (p *filterParser) property() (string, error) {
	t, err := p.expect(tokIdent, "a property name")
	if err != nil {
		return "", err
	}
	if !p.allowed[t.text] {
		return "", fmt.Errorf("property '%s' is not supported in $filter", t.text)
	}
	return t.text, nil
}

func (p *filterParser) parsePrimary() (filterExpr, error) {
	t := p.peek()
	if t.kind == tokLParen {
		p.next()
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tokRParen, "')'"); err != nil {
			return nil, err
		}
		return e, nil
	}
	if t.kind == tokIdent && strings.EqualFold(t.text, "startswith") && p.toks[p.pos+1].kind == tokLParen {
		p.next()
		p.next()
		prop, err := p.property()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tokComma, "','"); err != nil {
			return nil, err
		}
		lit, err := p.expect(tokString, "a string literal")
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tokRParen, "')'"); err != nil {
			return nil, err
		}
		return startsWithExpr{prop, lit.text}, nil
	}
	prop, err := p.property()
	if err != nil {
		return nil, err
	}
	opTok, err := p.expect(tokIdent, "an operator (eq, ne, gt, ge, lt, le, in)")
	if err != nil {
		return nil, err
	}
	op := strings.ToLower(opTok.text)
	if op == "in" {
		return p.parseIn(prop)
	}
	switch op {
	case "eq", "ne", "gt", "ge", "lt", "le":
	default:
		return nil, fmt.Errorf("unsupported operator '%s'", opTok.text)
	}
	lit, err := p.literal()
	if err != nil {
		return nil, err
	}
	return compareExpr{prop, op, lit}, nil
}

func (p *filterParser) parseIn(prop string) (filterExpr, error) {
	if _, err := p.expect(tokLParen, "'('"); err != nil {
		return nil, err
	}
	var e filterExpr
	for {
		lit, err := p.literal()
		if err != nil {
			return nil, err
		}
		var c filterExpr = compareExpr{prop, "eq", lit}
		if e == nil {
			e = c
		} else {
			e = orExpr{e, c}
		}
		t := p.next()
		if t.kind == tokRParen {
			return e, nil
		}
		if t.kind != tokComma {
			return nil, fmt.Errorf("expected ',' or ')', found %s", t.describe())
		}
	}
}

func (p *filterParser) literal() (token, error) {
	t := p.next()
	switch t.kind {
	case tokString, tokNumber, tokDateTime:
		return t, nil
	}
	return t, fmt.Errorf("expected a literal, found %s", t.describe())
}

type andExpr struct{ l, r filterExpr }

func (e andExpr) eval(g fieldGetter) bool { return e.l.eval(g) && e.r.eval(g) }

type orExpr struct{ l, r filterExpr }

func (e orExpr) eval(g fieldGetter) bool { return e.l.eval(g) || e.r.eval(g) }

type startsWithExpr struct{ prop, prefix string }

func (e startsWithExpr) eval(g fieldGetter) bool {
	v, _ := g(e.prop)
	s, ok := v.(string)
	return ok && strings.HasPrefix(strings.ToLower(s), strings.ToLower(e.prefix))
}

type compareExpr struct {
	prop string
	op   string
	lit  token
}

func (e compareExpr) eval(g fieldGetter) bool {
	v, _ := g(e.prop)
	var c int
	switch val := v.(type) {
	case time.Time:
		lt := e.lit.when
		if e.lit.kind != tokDateTime {
			t, ok := parseODataTime(e.lit.text)
			if !ok {
				return false
			}
			lt = t
		}
		c = val.Compare(lt)
	case string:
		c = strings.Compare(strings.ToLower(val), strings.ToLower(e.lit.text))
	default:
		return false
	}
	switch e.op {
	case "eq":
		return c == 0
	case "ne":
		return c != 0
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	case "lt":
		return c < 0
	default:
		return c <= 0
	}
}
