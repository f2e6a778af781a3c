package gen

import (
	"strings"

	"buckos.dev/buckos/ebuild/depspec"
)

// expandMirror turns mirror://NAME/PATH into the mirror's URLs, in
// thirdpartymirrors order; other URLs are returned as they are. ok is false
// for an unknown mirror (the URI is kept as written).
func expandMirror(u *depspec.URI, mirrors func(string) []string) ([]string, bool) {
	if u.Mirror == "" {
		return []string{u.URL}, true
	}
	uri, name, p := u.URL, u.Mirror, u.Path
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
