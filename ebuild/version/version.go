// Package version implements Gentoo package versions (PMS §3.2–3.3) with
// the comparison rules of Portage's versions.vercmp.
package version

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Suffix is one _alpha/_beta/_pre/_rc/_p suffix of a version.
type Suffix struct {
	// Kind is "alpha", "beta", "pre", "rc" or "p".
	Kind string
	// Number is the digits after Kind as written ("" when absent).
	Number string
}

// Version is a parsed package version such as "1.2.3b_rc1_p2-r3". The zero
// Version is not valid; obtain one from Parse.
type Version struct {
	raw string
	// Components are the dot-separated numbers as written ("1", "02", ...).
	Components []string
	// Letter is the optional single lower-case letter ("" when absent).
	Letter string
	// Suffixes in order of appearance.
	Suffixes []Suffix
	// Rev is the digits of "-rN" as written ("" when there is no revision).
	Rev string
}

// versionRE is PMS §3.2 version syntax; the groups are: components, letter,
// suffixes, revision digits.
var versionRE = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|p)[0-9]*)*)(?:-r([0-9]+))?$`)

var suffixRE = regexp.MustCompile(`^(alpha|beta|pre|rc|p)([0-9]*)$`)

// Parse parses a version with an optional revision.
func Parse(s string) (Version, error) {
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return Version{}, fmt.Errorf("invalid version %q", s)
	}
	v := Version{raw: s, Components: strings.Split(m[1], "."), Letter: m[2], Rev: m[4]}
	if m[3] != "" {
		for _, part := range strings.Split(m[3][1:], "_") {
			sm := suffixRE.FindStringSubmatch(part)
			v.Suffixes = append(v.Suffixes, Suffix{Kind: sm[1], Number: sm[2]})
		}
	}
	return v, nil
}

// Valid reports whether s is a valid version (with optional revision).
func Valid(s string) bool { return versionRE.MatchString(s) }

// MustParse is Parse for constants in tests and tables; it panics on error.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// String returns the version exactly as it was written.
func (v Version) String() string { return v.raw }

// IsZero reports whether v is the zero Version (not parsed from anything).
func (v Version) IsZero() bool { return v.raw == "" }

// Revision returns the revision number (0 when absent). Revisions too large
// for an int saturate; Compare never uses this value.
func (v Version) Revision() int {
	if v.Rev == "" {
		return 0
	}
	n, err := strconv.Atoi(v.Rev)
	if err != nil {
		return int(^uint(0) >> 1)
	}
	return n
}

// WithoutRevision returns the version without its "-rN" part (PMS PV).
func (v Version) WithoutRevision() string {
	if v.Rev == "" {
		return v.raw
	}
	return v.raw[:len(v.raw)-len(v.Rev)-2]
}

// suffixRank orders suffix kinds as Portage's suffix_value table.
var suffixRank = map[string]int{"alpha": -4, "beta": -3, "pre": -2, "rc": -1, "p": 0}

// cmpInt compares two decimal digit strings of any length as integers;
// "" counts as 0.
func cmpInt(a, b string) int {
	a = strings.TrimLeft(a, "0")
	b = strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return sign(len(a) - len(b))
	}
	return strings.Compare(a, b)
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// Compare returns -1, 0 or 1 as a is less than, equal to or greater than b,
// following Portage's vercmp (which implements PMS §3.3):
//   - the first component compares as an integer; a later component compares
//     as a decimal fraction (right-padded with zeros) when either side starts
//     with "0", otherwise as an integer; a missing component is smaller than
//     any present one (1.0 < 1.0.0);
//   - then the letter (none < a < ... < z);
//   - then suffixes pairwise: kinds alpha < beta < pre < rc < p, equal kinds
//     by number (missing number = 0); a missing suffix counts as "_p" with
//     number -1, so 1.0_rc1 < 1.0 < 1.0_p0;
//   - then the revision as an integer (missing = 0).
func Compare(a, b Version) int {
	if a.raw == b.raw {
		return 0
	}
	if c := cmpInt(first(a.Components), first(b.Components)); c != 0 {
		return c
	}
	n := max(len(a.Components), len(b.Components))
	for i := 1; i < n; i++ {
		switch {
		case i >= len(a.Components):
			return -1
		case i >= len(b.Components):
			return 1
		}
		x, y := a.Components[i], b.Components[i]
		var c int
		if x[0] != '0' && y[0] != '0' {
			c = cmpInt(x, y)
		} else {
			w := max(len(x), len(y))
			c = strings.Compare(padRight(x, w), padRight(y, w))
		}
		if c != 0 {
			return c
		}
	}
	if a.Letter != b.Letter {
		return strings.Compare(a.Letter, b.Letter)
	}
	n = max(len(a.Suffixes), len(b.Suffixes))
	for i := 0; i < n; i++ {
		if c := cmpSuffix(a.Suffixes, b.Suffixes, i); c != 0 {
			return c
		}
	}
	return cmpInt(a.Rev, b.Rev)
}

func first(c []string) string {
	if len(c) == 0 {
		return ""
	}
	return c[0]
}

func padRight(s string, w int) string {
	return s + strings.Repeat("0", w-len(s))
}

// cmpSuffix compares the i-th suffixes; a missing one is "_p" numbered -1.
func cmpSuffix(a, b []Suffix, i int) int {
	missA, missB := i >= len(a), i >= len(b)
	kindA, kindB := "p", "p"
	if !missA {
		kindA = a[i].Kind
	}
	if !missB {
		kindB = b[i].Kind
	}
	if kindA != kindB {
		return sign(suffixRank[kindA] - suffixRank[kindB])
	}
	switch {
	case missA:
		return -1 // -1 < any number
	case missB:
		return 1
	}
	return cmpInt(a[i].Number, b[i].Number)
}

// Equal reports whether Compare(a, b) == 0.
func Equal(a, b Version) bool { return Compare(a, b) == 0 }

// GlobMatch reports whether v matches the `=cat/pkg-PATTERN*` dependency,
// the way Portage's match_from_list does: a textual prefix match after
// dropping leading zeros of the first component, accepted only at a
// boundary between version parts, so "1*" matches 1, 1.2, 1a, 1_rc1 and
// 1-r3 but not 10 (Portage bug 560466).
func GlobMatch(pattern, v Version) bool {
	p := normaliseLead(pattern)
	s := normaliseLead(v)
	if !strings.HasPrefix(s, p) {
		return false
	}
	if len(s) == len(p) {
		return true
	}
	next := s[len(p)]
	if next == '.' || next == '_' || next == '-' {
		return true
	}
	return isDigit(p[len(p)-1]) != isDigit(next)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// normaliseLead drops leading zeros of the first component, keeping at least
// one digit ("007.1" -> "7.1", "0.1" -> "0.1", "00" -> "0").
func normaliseLead(v Version) string {
	s := strings.TrimLeft(v.raw, "0")
	if s == "" || !isDigit(s[0]) {
		s = "0" + s
	}
	return s
}

// TildeMatch reports whether v matches `~cat/pkg-PATTERN`: the same version
// in any revision. Portage requires the PV strings to be identical (so ~1.01
// does not match 1.010 although they compare equal); we do the same.
func TildeMatch(pattern, v Version) bool {
	return pattern.WithoutRevision() == v.WithoutRevision()
}
