package gen

import (
	"fmt"
	"path"
	"strings"
)

// srcNode is one element of a parsed SRC_URI: a distfile or a USE group.
type srcNode struct {
	// Distfile:
	URI    string // as written, without fetch+/mirror+
	Name   string // distfile name (after -> renames)
	Prefix string // "", "fetch+" or "mirror+"
	// USE-conditional group:
	Flag     string // "ssl" or "!ssl"; "" for a distfile
	Children []srcNode
}

// parseSrcURI parses SRC_URI as written in the md5-cache: URIs, "-> name"
// renames, "flag? ( ... )" groups and plain "( ... )" groups (flattened).
func parseSrcURI(value string, prefixes bool) ([]srcNode, error) {
	toks := strings.Fields(value)
	pos := 0
	var parse func(depth int) ([]srcNode, error)
	parse = func(depth int) ([]srcNode, error) {
		var out []srcNode
		for pos < len(toks) {
			t := toks[pos]
			pos++
			switch {
			case t == ")":
				if depth == 0 {
					return nil, fmt.Errorf("SRC_URI: unmatched ')'")
				}
				return out, nil
			case t == "(" || strings.HasSuffix(t, "?"):
				if t != "(" {
					if pos >= len(toks) || toks[pos] != "(" {
						return nil, fmt.Errorf("SRC_URI: %q must be followed by '('", t)
					}
					pos++
				}
				inner, err := parse(depth + 1)
				if err != nil {
					return nil, err
				}
				if t == "(" {
					out = append(out, inner...)
				} else {
					out = append(out, srcNode{Flag: strings.TrimSuffix(t, "?"), Children: inner})
				}
			case t == "->" || t == "||":
				return nil, fmt.Errorf("SRC_URI: unexpected %q", t)
			default:
				n := srcNode{URI: t}
				if prefixes {
					for _, p := range []string{"fetch+", "mirror+"} {
						if rest, ok := strings.CutPrefix(t, p); ok {
							n.Prefix, n.URI = p, rest
						}
					}
				}
				if !strings.Contains(n.URI, "://") {
					return nil, fmt.Errorf("SRC_URI: %q is not a URI", t)
				}
				n.Name = path.Base(n.URI)
				if pos+1 < len(toks) && toks[pos] == "->" {
					n.Name = toks[pos+1]
					pos += 2
				} else if pos < len(toks) && toks[pos] == "->" {
					return nil, fmt.Errorf("SRC_URI: %q: '->' without a file name", t)
				}
				out = append(out, n)
			}
		}
		if depth > 0 {
			return nil, fmt.Errorf("SRC_URI: unclosed '('")
		}
		return out, nil
	}
	return parse(0)
}

// expandMirror turns mirror://NAME/PATH into the mirror's URLs, in
// thirdpartymirrors order. ok is false for an unknown mirror.
func expandMirror(uri string, mirrors func(string) []string) ([]string, bool) {
	rest, isMirror := strings.CutPrefix(uri, "mirror://")
	if !isMirror {
		return []string{uri}, true
	}
	name, p, _ := strings.Cut(rest, "/")
	var bases []string
	if mirrors != nil {
		bases = mirrors(name)
	}
	if len(bases) == 0 {
		return []string{uri}, false
	}
	out := make([]string, len(bases))
	for i, b := range bases {
		out[i] = strings.TrimSuffix(b, "/") + "/" + strings.TrimPrefix(p, "/")
	}
	return out, true
}
