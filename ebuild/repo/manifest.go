package repo

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
)

// Dist is one DIST line of a package's Manifest (GLEP 74).
type Dist struct {
	Name   string
	Size   int64
	Hashes map[string]string // hash name (BLAKE2B, SHA512, ...) to hex digest
}

// Manifest reads the DIST lines of CATEGORY/PN/Manifest. Other entry kinds
// (EBUILD, AUX, MISC of thick manifests) are ignored. A package without a
// Manifest has no distfiles: the result is empty, not an error.
func (r *Repo) Manifest(category, pn string) (map[string]Dist, error) {
	if !validCategory(category) || !validPN(pn) {
		return nil, fmt.Errorf("invalid package %s/%s", category, pn)
	}
	p := filepath.Join(r.Path, category, pn, "Manifest")
	out := map[string]Dist{}
	err := eachLine(p, func(n int, line string) error {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "DIST" {
			return nil
		}
		if len(f) < 3 || len(f)%2 != 1 {
			return fmt.Errorf("%s:%d: expected DIST NAME SIZE [HASH VALUE]...", p, n)
		}
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil || size < 0 {
			return fmt.Errorf("%s:%d: invalid size %q of %s", p, n, f[2], f[1])
		}
		if _, dup := out[f[1]]; dup {
			return fmt.Errorf("%s:%d: %s listed twice", p, n, f[1])
		}
		d := Dist{Name: f[1], Size: size, Hashes: map[string]string{}}
		for i := 3; i < len(f); i += 2 {
			d.Hashes[f[i]] = f[i+1]
		}
		out[f[1]] = d
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}
