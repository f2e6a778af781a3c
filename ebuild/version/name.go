package version

import (
	"fmt"
	"strings"
)

// isNameChar reports whether c may appear in a package name or category
// (PMS §3.1.1–3.1.2: [A-Za-z0-9+_-], categories also '.').
func isNameChar(c byte, dot bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	case c == '+' || c == '_' || c == '-':
		return true
	case c == '.':
		return dot
	}
	return false
}

// ValidCategory reports whether s is a valid category name (PMS §3.1.1):
// [A-Za-z0-9+_.-], not starting with a hyphen, dot or plus.
func ValidCategory(s string) bool {
	if s == "" || s[0] == '-' || s[0] == '.' || s[0] == '+' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameChar(s[i], true) {
			return false
		}
	}
	return true
}

// ValidPackageName reports whether s is a valid package name (PMS §3.1.2):
// [A-Za-z0-9+_-], not starting with a hyphen or plus, and not ending in a
// hyphen followed by anything that is a valid version ("foo-1", "foo-1-r2").
func ValidPackageName(s string) bool {
	if s == "" || s[0] == '-' || s[0] == '+' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameChar(s[i], false) {
			return false
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '-' && Valid(s[i+1:]) {
			return false
		}
	}
	return true
}

// SplitPF splits "PN-PVR" (for example "zlib-1.3.1-r1") into the package
// name and the version with revision. Like Portage it splits at the first
// hyphen followed by a valid version, then requires a valid package name.
func SplitPF(pf string) (pn, pvr string, err error) {
	for i := 0; i < len(pf); i++ {
		if pf[i] != '-' || !Valid(pf[i+1:]) {
			continue
		}
		pn, pvr = pf[:i], pf[i+1:]
		if !ValidPackageName(pn) {
			return "", "", fmt.Errorf("%q: invalid package name %q", pf, pn)
		}
		return pn, pvr, nil
	}
	if strings.Contains(pf, "-") {
		return "", "", fmt.Errorf("%q: no valid version after a hyphen", pf)
	}
	return "", "", fmt.Errorf("%q: missing version", pf)
}
