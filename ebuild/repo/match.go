package repo

import (
	"fmt"
	"path"
	"strings"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/version"
)

// Match lists the ebuilds a command-line pattern names, sorted like Scan:
//
//	sys-libs/zlib          every version of a package
//	zlib                   a package name in any category
//	sys-libs/*, */zlib     shell globs in the category or name
//	=sys-libs/zlib-1.3.1-r1, =sys-libs/zlib-1.3*, ~sys-libs/zlib-1.3.1
//	>=, >, <=, < followed by CATEGORY/PN-VERSION
//
// A "::repo" suffix must name this repository. Malformed patterns are
// errors; a pattern that matches nothing gives an empty list.
func (r *Repo) Match(pattern string) ([]ebuild.Ref, error) {
	p := strings.TrimSpace(pattern)
	if p == "" {
		return nil, fmt.Errorf("empty package pattern")
	}
	if i := strings.Index(p, "::"); i >= 0 {
		if p[i+2:] != r.Name {
			return nil, nil
		}
		p = p[:i]
	}
	op := ""
	for _, o := range []string{">=", "<=", "=", "~", ">", "<"} {
		if strings.HasPrefix(p, o) {
			op, p = o, p[len(o):]
			break
		}
	}
	glob := false
	if op == "=" && strings.HasSuffix(p, "*") {
		glob, p = true, strings.TrimSuffix(p, "*")
	}

	cat, rest := "*", p
	if c, n, ok := strings.Cut(p, "/"); ok {
		cat, rest = c, n
	}
	if cat == "" || rest == "" || strings.Contains(rest, "/") {
		return nil, fmt.Errorf("invalid package pattern %q", pattern)
	}
	pnPattern := rest
	var want version.Version
	if op != "" {
		if strings.ContainsAny(p, "*?[") {
			return nil, fmt.Errorf("invalid package pattern %q: globs cannot be combined with %s", pattern, op)
		}
		pn, pvr, err := version.SplitPF(rest)
		if err != nil {
			return nil, fmt.Errorf("invalid package pattern %q: %w", pattern, err)
		}
		if want, err = version.Parse(pvr); err != nil {
			return nil, fmt.Errorf("invalid package pattern %q: %w", pattern, err)
		}
		pnPattern = pn
	}
	if _, err := path.Match(cat, ""); err != nil {
		return nil, fmt.Errorf("invalid package pattern %q: %w", pattern, err)
	}
	if _, err := path.Match(pnPattern, ""); err != nil {
		return nil, fmt.Errorf("invalid package pattern %q: %w", pattern, err)
	}

	var refs []ebuild.Ref
	for _, c := range r.Categories {
		if ok, _ := path.Match(cat, c); !ok {
			continue
		}
		cr, _, err := r.scanCategory(c, pnPattern)
		if err != nil {
			return nil, err
		}
		for _, ref := range cr {
			if op == "" || versionMatches(op, glob, want, ref.PVR) {
				refs = append(refs, ref)
			}
		}
	}
	sortRefs(refs)
	return refs, nil
}

func versionMatches(op string, glob bool, want version.Version, pvr string) bool {
	v, err := version.Parse(pvr)
	if err != nil {
		return false
	}
	if glob {
		return version.GlobMatch(want, v)
	}
	if op == "~" {
		return version.TildeMatch(want, v)
	}
	c := version.Compare(v, want)
	switch op {
	case "=":
		return c == 0
	case ">=":
		return c >= 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case "<":
		return c < 0
	}
	return false
}
