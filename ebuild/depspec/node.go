// Package depspec parses the PMS §8.2 dependency-specification grammar into
// a typed tree. The same grammar carries *DEPEND (atoms), REQUIRED_USE
// (flags), SRC_URI (URIs), LICENSE (license names) and RESTRICT/PROPERTIES
// (plain tokens); only the leaves and the allowed operators differ.
//
// Where this parser and Portage's use_reduce differ, on purpose:
//   - empty groups ("( )", "|| ( )", "flag? ( )") are accepted, as PMS gives
//     them a meaning; Portage rejects "(" directly followed by ")";
//   - LICENSE leaves must be valid license names and SRC_URI bare file
//     names must not contain "/" (Portage accepts any token there);
//   - "->" must follow a URI with a scheme, not a bare file name;
//   - "||" is rejected in SRC_URI, RESTRICT and PROPERTIES (PMS §8.2).
//
// Every value in the corpus md5-caches parses (see TestCorpus).
package depspec

import (
	"strings"

	"buckos.dev/buckos/ebuild/atom"
)

// Kind is the kind of a Node.
type Kind int

const (
	// AllOf is the top level or a parenthesised "( ... )" group.
	AllOf Kind = iota
	// AnyOf is "|| ( ... )".
	AnyOf
	// ExactlyOneOf is "^^ ( ... )" (REQUIRED_USE only).
	ExactlyOneOf
	// AtMostOneOf is "?? ( ... )" (REQUIRED_USE only, EAPI 5+).
	AtMostOneOf
	// UseCond is "flag? ( ... )" or "!flag? ( ... )".
	UseCond
	// Leaf is one item: an atom, a flag, a URI, a license or a token.
	Leaf
)

var kindNames = [...]string{"all-of", "any-of", "exactly-one-of", "at-most-one-of", "use-conditional", "leaf"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Node is one node of a dependency specification. The root returned by the
// parsers is an AllOf node holding the top-level items.
type Node struct {
	Kind Kind
	// Flag is the USE flag of a UseCond node and of a REQUIRED_USE leaf.
	Flag string
	// Negated is set for "!flag?" groups and "!flag" REQUIRED_USE leaves.
	Negated  bool
	Children []*Node
	// Leaf is a leaf's token as written (for a renamed URI, the URI part).
	Leaf string
	// Atom is the parsed atom of a *DEPEND leaf.
	Atom *atom.Atom
	// URI is the parsed element of a SRC_URI leaf.
	URI *URI
}

// URI is one SRC_URI element.
type URI struct {
	// URL is the address without any fetch+/mirror+ prefix; "" for a bare
	// file name.
	URL string
	// Filename is the name in DISTDIR: the "->" target or the basename.
	Filename string
	// Renamed reports that the element used "uri -> Filename".
	Renamed bool
	// Mirror is NAME for mirror://NAME/path, else "".
	Mirror string
	// Path is the part after mirror://NAME/ (mirror URIs only).
	Path string
	// Restrict is "", "fetch+" or "mirror+" (EAPI 8+ selective restriction).
	Restrict string
}

// String returns the canonical Gentoo text of n: tokens separated by single
// spaces. An AllOf node prints its items bare (the top-level form); nested
// AllOf groups print as "( ... )".
func (n *Node) String() string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	if n.Kind == AllOf {
		writeItems(&b, n.Children)
	} else {
		writeNode(&b, n)
	}
	return b.String()
}

func writeItems(b *strings.Builder, items []*Node) {
	for i, c := range items {
		if i > 0 {
			b.WriteByte(' ')
		}
		writeNode(b, c)
	}
}

func writeNode(b *strings.Builder, n *Node) {
	switch n.Kind {
	case Leaf:
		b.WriteString(n.Leaf)
		if n.URI != nil && n.URI.Renamed {
			b.WriteString(" -> " + n.URI.Filename)
		}
		return
	case AnyOf:
		b.WriteString("|| ")
	case ExactlyOneOf:
		b.WriteString("^^ ")
	case AtMostOneOf:
		b.WriteString("?? ")
	case UseCond:
		if n.Negated {
			b.WriteByte('!')
		}
		b.WriteString(n.Flag + "? ")
	}
	b.WriteByte('(')
	if len(n.Children) > 0 {
		b.WriteByte(' ')
		writeItems(b, n.Children)
	}
	b.WriteString(" )")
}

// Equal reports whether two trees are the same: same kinds, flags,
// leaves, atoms (compared by their text) and URIs, in the same order.
func Equal(a, b *Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind || a.Flag != b.Flag || a.Negated != b.Negated || a.Leaf != b.Leaf ||
		len(a.Children) != len(b.Children) {
		return false
	}
	if (a.Atom == nil) != (b.Atom == nil) || a.Atom != nil && a.Atom.String() != b.Atom.String() {
		return false
	}
	if (a.URI == nil) != (b.URI == nil) || a.URI != nil && *a.URI != *b.URI {
		return false
	}
	for i := range a.Children {
		if !Equal(a.Children[i], b.Children[i]) {
			return false
		}
	}
	return true
}
