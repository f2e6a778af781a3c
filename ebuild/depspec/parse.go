package depspec

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"buckos.dev/buckos/eapi"
	"buckos.dev/buckos/ebuild/atom"
)

// Error is a syntax error in one metadata value. It names the key and the
// 1-based position of the offending whitespace-separated token.
type Error struct {
	Key string
	// Pos is the 1-based token number; len(tokens)+1 with an empty Token
	// means "at the end of the value"; 0 means the error has no position.
	Pos   int
	Token string
	Msg   string
	Err   error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Key + ": " + e.Msg)
	switch {
	case e.Pos > 0 && e.Token == "":
		b.WriteString(" at end of value")
	case e.Pos > 0:
		fmt.Fprintf(&b, " at token %d %q", e.Pos, e.Token)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// grammar says what one key allows.
type grammar struct {
	key      string
	anyOf    bool // "||"
	oneOf    bool // "^^", "??" (REQUIRED_USE)
	atMost   bool // "??" (EAPI 5+)
	leaf     func(p *parser, tok string) (*Node, error)
	srcURI   bool
	arrows   bool // "->" (EAPI 2+)
	prefixes bool // fetch+/mirror+ (EAPI 8+)
	eapi     string
}

// eapiLevel returns the number of a numeric EAPI. The empty EAPI means "no
// restrictions" and returns the newest supported EAPI.
func eapiLevel(name string) (int, error) {
	if name == "" {
		s := eapi.Supported()
		n, _ := strconv.Atoi(s[len(s)-1])
		return n, nil
	}
	n, err := strconv.Atoi(name)
	if err != nil || n < 0 || name[0] == '+' || name[0] == '-' {
		return 0, fmt.Errorf("unknown EAPI %q", name)
	}
	return n, nil
}

// Parse parses the value of metadata key (DEPEND, RDEPEND, BDEPEND, PDEPEND,
// IDEPEND, REQUIRED_USE, SRC_URI, LICENSE, RESTRICT or PROPERTIES) as
// allowed by eapi ("" for no EAPI restrictions).
func Parse(key, s, eapiName string) (*Node, error) {
	g, err := grammarFor(key, eapiName)
	if err != nil {
		return nil, &Error{Key: key, Msg: "cannot parse", Err: err}
	}
	return parse(g, s)
}

// ParseDepend parses a *DEPEND value: leaves are atoms, "||" is allowed.
func ParseDepend(s, eapiName string) (*Node, error) { return Parse("DEPEND", s, eapiName) }

// ParseRequiredUse parses REQUIRED_USE: leaves are "flag" or "!flag";
// "||", "^^" and (EAPI 5+) "??" groups are allowed.
func ParseRequiredUse(s, eapiName string) (*Node, error) {
	return Parse("REQUIRED_USE", s, eapiName)
}

// ParseSrcURI parses SRC_URI: URIs, bare file names, "uri -> name" and
// (EAPI 8+) fetch+/mirror+ prefixes; no "||".
func ParseSrcURI(s, eapiName string) (*Node, error) { return Parse("SRC_URI", s, eapiName) }

// ParseLicense parses LICENSE: license names, "||" and use? groups.
func ParseLicense(s string) (*Node, error) { return Parse("LICENSE", s, "") }

// ParseTokens parses RESTRICT or PROPERTIES: plain tokens and use? groups.
func ParseTokens(s string) (*Node, error) { return Parse("RESTRICT", s, "") }

func grammarFor(key, eapiName string) (grammar, error) {
	level, err := eapiLevel(eapiName)
	if err != nil {
		return grammar{}, err
	}
	g := grammar{key: key, eapi: eapiName}
	switch key {
	case "DEPEND", "RDEPEND", "BDEPEND", "PDEPEND", "IDEPEND":
		g.anyOf, g.leaf = true, (*parser).atomLeaf
	case "REQUIRED_USE":
		g.anyOf, g.oneOf, g.atMost, g.leaf = true, true, level >= 5, (*parser).flagLeaf
	case "SRC_URI":
		g.srcURI, g.arrows, g.leaf = true, level >= 2, (*parser).uriLeaf
		if e, err := eapi.Get(strconv.Itoa(level)); err == nil {
			g.prefixes = e.SrcURIPrefixes
		}
	case "LICENSE":
		g.anyOf, g.leaf = true, (*parser).licenseLeaf
	case "RESTRICT", "PROPERTIES":
		g.leaf = (*parser).tokenLeaf
	default:
		return grammar{}, fmt.Errorf("unknown dependency-specification key %q", key)
	}
	return g, nil
}

type parser struct {
	g    grammar
	toks []string
	pos  int // index of the next token
}

func (p *parser) errAt(i int, msg string, err error) *Error {
	if i >= len(p.toks) {
		return &Error{Key: p.g.key, Pos: len(p.toks) + 1, Msg: msg, Err: err}
	}
	return &Error{Key: p.g.key, Pos: i + 1, Token: p.toks[i], Msg: msg, Err: err}
}

func parse(g grammar, s string) (*Node, error) {
	p := &parser{g: g, toks: strings.Fields(s)}
	root := &Node{Kind: AllOf}
	items, err := p.items(-1)
	if err != nil {
		return nil, err
	}
	root.Children = items
	return root, nil
}

// items parses items up to the ")" closing the "(" at token open (or to
// the end of input when open < 0) and consumes that ")".
func (p *parser) items(open int) ([]*Node, error) {
	var out []*Node
	for p.pos < len(p.toks) {
		i := p.pos
		tok := p.toks[i]
		p.pos++
		switch {
		case tok == ")":
			if open < 0 {
				return nil, p.errAt(i, "unbalanced parenthesis", nil)
			}
			return out, nil
		case tok == "(":
			c, err := p.items(i)
			if err != nil {
				return nil, err
			}
			out = append(out, &Node{Kind: AllOf, Children: c})
		case tok == "||" || tok == "^^" || tok == "??":
			n, err := p.operator(i, tok)
			if err != nil {
				return nil, err
			}
			out = append(out, n)
		case tok == "->":
			if err := p.arrow(i, out); err != nil {
				return nil, err
			}
		case strings.HasSuffix(tok, "?"):
			n, err := p.useCond(i, tok)
			if err != nil {
				return nil, err
			}
			out = append(out, n)
		default:
			if err := p.checkWhitespace(i, tok); err != nil {
				return nil, err
			}
			n, err := p.g.leaf(p, tok)
			if err != nil {
				return nil, p.errAt(i, "invalid "+p.leafName(), err)
			}
			out = append(out, n)
		}
	}
	if open >= 0 {
		return nil, p.errAt(open, "unbalanced parenthesis", nil)
	}
	return out, nil
}

func (p *parser) leafName() string {
	switch p.g.key {
	case "REQUIRED_USE":
		return "USE flag"
	case "SRC_URI":
		return "URI"
	case "LICENSE":
		return "license name"
	case "RESTRICT", "PROPERTIES":
		return "token"
	}
	return "atom"
}

func (p *parser) checkWhitespace(i int, tok string) error {
	for _, x := range []string{"(", ")", "||", "^^"} {
		if strings.HasPrefix(tok, x) || strings.HasSuffix(tok, x) {
			return p.errAt(i, fmt.Sprintf("missing whitespace around %q", x), nil)
		}
	}
	return nil
}

// group consumes the "(" that must follow an operator or use? at token i
// and parses the group's items.
func (p *parser) group(i int) ([]*Node, error) {
	if p.pos >= len(p.toks) || p.toks[p.pos] != "(" {
		return nil, p.errAt(i, fmt.Sprintf("%q must be followed by \"(\"", p.toks[i]), nil)
	}
	open := p.pos
	p.pos++
	return p.items(open)
}

func (p *parser) operator(i int, tok string) (*Node, error) {
	var kind Kind
	switch tok {
	case "||":
		if !p.g.anyOf {
			return nil, p.errAt(i, "any-of group not allowed", nil)
		}
		kind = AnyOf
	case "^^":
		if !p.g.oneOf {
			return nil, p.errAt(i, "exactly-one-of group not allowed", nil)
		}
		kind = ExactlyOneOf
	case "??":
		if !p.g.oneOf || !p.g.atMost {
			return nil, p.errAt(i, "at-most-one-of group not allowed", nil)
		}
		kind = AtMostOneOf
	}
	c, err := p.group(i)
	if err != nil {
		return nil, err
	}
	return &Node{Kind: kind, Children: c}, nil
}

func (p *parser) useCond(i int, tok string) (*Node, error) {
	n := &Node{Kind: UseCond, Flag: strings.TrimSuffix(tok, "?")}
	if strings.HasPrefix(n.Flag, "!") {
		n.Negated, n.Flag = true, n.Flag[1:]
	}
	if !atom.ValidUseFlag(n.Flag) {
		return nil, p.errAt(i, "invalid USE conditional", nil)
	}
	c, err := p.group(i)
	if err != nil {
		return nil, err
	}
	n.Children = c
	return n, nil
}

// arrow handles "->" at token i: the previous item must be a URI that has
// not been renamed yet, and the next token is its file name.
func (p *parser) arrow(i int, items []*Node) error {
	if !p.g.srcURI {
		return p.errAt(i, "\"->\" only allowed in SRC_URI", nil)
	}
	if !p.g.arrows {
		return p.errAt(i, fmt.Sprintf("\"->\" not allowed in EAPI %s", p.g.eapi), nil)
	}
	if len(items) == 0 || p.toks[i-1] != items[len(items)-1].Leaf || items[len(items)-1].URI.Renamed ||
		items[len(items)-1].URI.URL == "" {
		return p.errAt(i, "\"->\" must follow a URI", nil)
	}
	if p.pos >= len(p.toks) {
		return p.errAt(p.pos, "missing file name after \"->\"", nil)
	}
	name := p.toks[p.pos]
	if !validFilename(name) {
		return p.errAt(p.pos, "expected a file name after \"->\"", nil)
	}
	p.pos++
	u := items[len(items)-1].URI
	u.Filename, u.Renamed = name, true
	return nil
}

func validFilename(s string) bool {
	switch s {
	case "(", ")", "||", "^^", "??", "->", "", ".", "..":
		return false
	}
	return !strings.ContainsAny(s, "/()") && !strings.HasSuffix(s, "?")
}

func (p *parser) atomLeaf(tok string) (*Node, error) {
	a, err := atom.Parse(tok, p.g.eapi)
	if err != nil {
		return nil, err
	}
	return &Node{Kind: Leaf, Leaf: tok, Atom: &a}, nil
}

func (p *parser) flagLeaf(tok string) (*Node, error) {
	n := &Node{Kind: Leaf, Leaf: tok, Flag: tok}
	if strings.HasPrefix(tok, "!") {
		n.Negated, n.Flag = true, tok[1:]
	}
	if !atom.ValidUseFlag(n.Flag) {
		return nil, fmt.Errorf("%q is not a USE flag", n.Flag)
	}
	return n, nil
}

func (p *parser) licenseLeaf(tok string) (*Node, error) {
	if !ValidLicenseName(tok) {
		return nil, fmt.Errorf("%q is not a license name", tok)
	}
	return &Node{Kind: Leaf, Leaf: tok}, nil
}

func (p *parser) tokenLeaf(tok string) (*Node, error) {
	return &Node{Kind: Leaf, Leaf: tok}, nil
}

func (p *parser) uriLeaf(tok string) (*Node, error) {
	u := &URI{}
	rest := tok
	for _, pre := range []string{"fetch+", "mirror+"} {
		if strings.HasPrefix(rest, pre) && strings.Contains(rest, "://") {
			if !p.g.prefixes {
				return nil, fmt.Errorf("%q prefix not allowed in EAPI %s", pre, p.g.eapi)
			}
			u.Restrict, rest = pre, rest[len(pre):]
			break
		}
	}
	if scheme, after, ok := strings.Cut(rest, "://"); ok {
		if !validScheme(scheme) {
			return nil, fmt.Errorf("invalid URI scheme %q", scheme)
		}
		u.URL = rest
		if scheme == "mirror" {
			name, p, ok := strings.Cut(after, "/")
			if !ok || name == "" || p == "" {
				return nil, fmt.Errorf("mirror URI %q needs mirror://NAME/PATH", rest)
			}
			u.Mirror, u.Path = name, p
		}
		u.Filename = path.Base(after)
		if strings.HasSuffix(after, "/") || !strings.Contains(after, "/") {
			u.Filename = ""
		}
	} else {
		if !validFilename(rest) {
			return nil, fmt.Errorf("%q is neither a URI nor a file name", tok)
		}
		u.Filename = rest
	}
	if u.Filename == "" && (p.pos >= len(p.toks) || p.toks[p.pos] != "->") {
		return nil, fmt.Errorf("URI %q has no file name and no \"->\"", rest)
	}
	return &Node{Kind: Leaf, Leaf: tok, URI: u}, nil
}

func validScheme(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')
		if !ok {
			return false
		}
	}
	return true
}

// ValidLicenseName reports whether s is a valid license name (PMS §3.1.6):
// [A-Za-z0-9+_.-], not starting with a hyphen, dot or plus.
func ValidLicenseName(s string) bool {
	if s == "" || s[0] == '-' || s[0] == '.' || s[0] == '+' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}
