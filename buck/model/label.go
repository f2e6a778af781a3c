package model

import (
	"fmt"
	"path"
	"strings"
)

// PackageID names one package: a cell and a path inside it ("" for the
// cell's root package).
type PackageID struct {
	Cell string
	Path string
}

func (p PackageID) String() string { return p.Cell + "//" + p.Path }

// Label names one target, optionally with a sub-target ("[name]").
type Label struct {
	Cell    string
	Package string
	Name    string
	Sub     string
}

// Pkg returns the package holding the target.
func (l Label) Pkg() PackageID { return PackageID{l.Cell, l.Package} }

// Target drops the sub-target.
func (l Label) Target() Label { l.Sub = ""; return l }

func (l Label) String() string {
	s := l.Cell + "//" + l.Package + ":" + l.Name
	if l.Sub != "" {
		s += "[" + l.Sub + "]"
	}
	return s
}

// splitCell splits "cell//rest", "@cell//rest" and "//rest" into the cell
// name (resolved through cs, defaulting to cur) and rest.
func splitCell(s, cur string, cs *Cells) (cell, rest string, err error) {
	i := strings.Index(s, "//")
	if i < 0 {
		return "", "", fmt.Errorf("%q is not a label: expected [cell]//package:name or :name", s)
	}
	name := strings.TrimPrefix(s[:i], "@")
	rest = s[i+2:]
	if name == "" {
		return cur, rest, nil
	}
	c, ok := cs.LookupFrom(cur, name)
	if !ok {
		return "", "", fmt.Errorf("label %q: unknown cell %q (not in [cells] or [cell_aliases] of .buckconfig)", s, name)
	}
	return c.Name, rest, nil
}

func checkPackagePath(s, p string) error {
	if p == "" {
		return nil
	}
	if strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
		return fmt.Errorf("label %q: package path %q must not start or end with /", s, p)
	}
	for _, part := range strings.Split(p, "/") {
		if part == "" || part == "." || part == ".." {
			return fmt.Errorf("label %q: package path %q must be normalized", s, p)
		}
	}
	return nil
}

// checkTargetName applies Buck2's target name rules (buck2_core
// target/name.rs): ASCII letters, digits and . = - / ~ @ ! + _ only (','
// and '$' are errors in open-source Buck2), not "...".
func checkTargetName(s, n string) error {
	if n == "" {
		return fmt.Errorf("label %q: empty target name", s)
	}
	if n == "..." {
		return fmt.Errorf("label %q: target name must not be equal to `...`", s)
	}
	for _, c := range n {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(".=-/~@!+_", c)
		if !ok {
			return fmt.Errorf("label %q: invalid target name `%s`: Buck2 allows only letters, digits and . = - / ~ @ ! + _", s, n)
		}
	}
	return nil
}

// ParseLabel parses a target label as written in an attribute, relative to
// the package cur: "cell//pkg:name", "@cell//pkg:name", "//pkg:name",
// ":name", each optionally followed by "[subtarget]".
func ParseLabel(s string, cur PackageID, cs *Cells) (Label, error) {
	body, sub := s, ""
	if strings.HasSuffix(s, "]") {
		i := strings.Index(s, "[")
		if i < 0 {
			return Label{}, fmt.Errorf("label %q: unbalanced ]", s)
		}
		body, sub = s[:i], s[i+1:len(s)-1]
		if sub == "" {
			return Label{}, fmt.Errorf("label %q: empty sub-target", s)
		}
	}
	if strings.HasPrefix(body, ":") {
		l := Label{Cell: cur.Cell, Package: cur.Path, Name: body[1:], Sub: sub}
		return l, checkTargetName(s, l.Name)
	}
	cell, rest, err := splitCell(body, cur.Cell, cs)
	if err != nil {
		return Label{}, err
	}
	pkg, name, ok := strings.Cut(rest, ":")
	if !ok {
		if !cs.inferTargetNames || rest == "" {
			return Label{}, fmt.Errorf("label %q has no target name: Buck2 needs cell//package:name in attributes (unless [buck2] infer_target_names = true)", s)
		}
		// [buck2] infer_target_names: //foo/bar means //foo/bar:bar.
		pkg, name = rest, path.Base(rest)
	}
	if err := checkPackagePath(s, pkg); err != nil {
		return Label{}, err
	}
	if err := checkTargetName(s, name); err != nil {
		return Label{}, err
	}
	return Label{Cell: cell, Package: pkg, Name: name, Sub: sub}, nil
}

// PatternKind is the shape of a target pattern.
type PatternKind int

const (
	PatternTarget    PatternKind = iota // cell//pkg:name
	PatternPackage                      // cell//pkg: (every target of one package)
	PatternRecursive                    // cell//pkg/... (every package below)
	PatternPublic                       // PUBLIC
)

// Pattern is a visibility or within_view pattern.
type Pattern struct {
	Kind    PatternKind
	Cell    string
	Package string
	Name    string
}

func (p Pattern) String() string {
	switch p.Kind {
	case PatternPublic:
		return "PUBLIC"
	case PatternPackage:
		return p.Cell + "//" + p.Package + ":"
	case PatternRecursive:
		if p.Package == "" {
			return p.Cell + "//..."
		}
		return p.Cell + "//" + p.Package + "/..."
	}
	return p.Cell + "//" + p.Package + ":" + p.Name
}

// ParsePattern parses a visibility pattern: "PUBLIC", "cell//pkg:name",
// "cell//pkg:", "cell//pkg/...", "cell//..." and relative ":name".
func ParsePattern(s string, cur PackageID, cs *Cells) (Pattern, error) {
	if s == "PUBLIC" {
		return Pattern{Kind: PatternPublic}, nil
	}
	if strings.HasPrefix(s, ":") {
		if err := checkTargetName(s, s[1:]); err != nil {
			return Pattern{}, err
		}
		return Pattern{Kind: PatternTarget, Cell: cur.Cell, Package: cur.Path, Name: s[1:]}, nil
	}
	cell, rest, err := splitCell(s, cur.Cell, cs)
	if err != nil {
		return Pattern{}, err
	}
	switch {
	case rest == "...":
		return Pattern{Kind: PatternRecursive, Cell: cell}, nil
	case strings.HasSuffix(rest, "/..."):
		pkg := strings.TrimSuffix(rest, "/...")
		return Pattern{Kind: PatternRecursive, Cell: cell, Package: pkg}, checkPackagePath(s, pkg)
	case strings.HasSuffix(rest, ":"):
		pkg := strings.TrimSuffix(rest, ":")
		return Pattern{Kind: PatternPackage, Cell: cell, Package: pkg}, checkPackagePath(s, pkg)
	}
	pkg, name, ok := strings.Cut(rest, ":")
	if !ok {
		return Pattern{}, fmt.Errorf("pattern %q: expected PUBLIC, cell//pkg:name, cell//pkg: or cell//pkg/...", s)
	}
	if err := checkPackagePath(s, pkg); err != nil {
		return Pattern{}, err
	}
	return Pattern{Kind: PatternTarget, Cell: cell, Package: pkg, Name: name}, checkTargetName(s, name)
}

// Matches reports whether the target l is covered by the pattern.
func (p Pattern) Matches(l Label) bool {
	switch p.Kind {
	case PatternPublic:
		return true
	case PatternTarget:
		return p.Cell == l.Cell && p.Package == l.Package && p.Name == l.Name
	case PatternPackage:
		return p.Cell == l.Cell && p.Package == l.Package
	case PatternRecursive:
		return p.Cell == l.Cell && (p.Package == "" || l.Package == p.Package || strings.HasPrefix(l.Package, p.Package+"/"))
	}
	return false
}
