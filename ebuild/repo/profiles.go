package repo

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// readMirrors parses profiles/thirdpartymirrors: "name url url ..." lines.
func readMirrors(path string) (map[string][]string, error) {
	out := map[string][]string{}
	err := eachLine(path, func(n int, line string) error {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			return nil
		}
		if len(f) < 2 {
			return fmt.Errorf("%s:%d: mirror %q has no URLs", path, n, f[0])
		}
		out[f[0]] = append(out[f[0]], f[1:]...)
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	return out, err
}

// readPackageMask parses profiles/package.mask. Each atom gets the comment
// block directly above its group (GLEP 84: a comment block, then atoms; a
// blank line ends the group).
func readPackageMask(path string) ([]Mask, error) {
	var out []Mask
	var comment []string
	inAtoms := false
	err := eachLine(path, func(n int, line string) error {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			comment, inAtoms = nil, false
		case strings.HasPrefix(t, "#"):
			if inAtoms {
				comment, inAtoms = nil, false
			}
			comment = append(comment, strings.TrimSpace(strings.TrimPrefix(t, "#")))
		default:
			if strings.ContainsAny(t, " \t") {
				return fmt.Errorf("%s:%d: expected one atom per line, got %q", path, n, t)
			}
			inAtoms = true
			out = append(out, Mask{Atom: t, Comment: comment, File: path, Line: n})
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return out, err
}

// readUseDesc parses profiles/use.desc: "flag - description". Lines it
// cannot read are skipped with a warning: descriptions are documentation,
// and no metadata depends on them.
func readUseDesc(path string) (map[string]string, []string, error) {
	out := map[string]string{}
	var warnings []string
	err := eachLine(path, func(n int, line string) error {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			return nil
		}
		flag, desc, ok := cutDesc(t)
		if !ok {
			warnings = append(warnings, fmt.Sprintf("%s:%d: skipped: expected \"flag - description\", got %q", path, n, t))
			return nil
		}
		out[flag] = desc
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	return out, warnings, err
}

// readUseLocalDesc parses profiles/use.local.desc: "cat/pn:flag -
// description", skipping what it cannot read like readUseDesc.
func readUseLocalDesc(path string) (map[string]map[string]string, []string, error) {
	out := map[string]map[string]string{}
	var warnings []string
	err := eachLine(path, func(n int, line string) error {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			return nil
		}
		head, desc, ok := cutDesc(t)
		pkg, flag, ok2 := strings.Cut(head, ":")
		if !ok || !ok2 {
			warnings = append(warnings, fmt.Sprintf("%s:%d: skipped: expected \"category/package:flag - description\", got %q", path, n, t))
			return nil
		}
		if out[pkg] == nil {
			out[pkg] = map[string]string{}
		}
		out[pkg][flag] = desc
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	return out, warnings, err
}

// cutDesc splits a trimmed "name - description" line. The description
// may be empty: egencache --update-use-local-desc writes "cat/pn:flag - "
// for a flag metadata.xml leaves undescribed, which trims to "... -".
func cutDesc(t string) (name, desc string, ok bool) {
	if name, desc, ok = strings.Cut(t, " - "); ok {
		return strings.TrimSpace(name), strings.TrimSpace(desc), true
	}
	if name, ok = strings.CutSuffix(t, " -"); ok {
		return strings.TrimSpace(name), "", true
	}
	return "", "", false
}
