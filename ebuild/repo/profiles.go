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

// readUseDesc parses profiles/use.desc: "flag - description".
func readUseDesc(path string) (map[string]string, error) {
	out := map[string]string{}
	err := eachLine(path, func(n int, line string) error {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			return nil
		}
		flag, desc, ok := strings.Cut(t, " - ")
		if !ok {
			return fmt.Errorf("%s:%d: expected \"flag - description\", got %q", path, n, t)
		}
		out[strings.TrimSpace(flag)] = strings.TrimSpace(desc)
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return out, err
}

// readUseLocalDesc parses profiles/use.local.desc: "cat/pn:flag - description".
func readUseLocalDesc(path string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	err := eachLine(path, func(n int, line string) error {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			return nil
		}
		head, desc, ok := strings.Cut(t, " - ")
		pkg, flag, ok2 := strings.Cut(strings.TrimSpace(head), ":")
		if !ok || !ok2 {
			return fmt.Errorf("%s:%d: expected \"category/package:flag - description\", got %q", path, n, t)
		}
		if out[pkg] == nil {
			out[pkg] = map[string]string{}
		}
		out[pkg][flag] = strings.TrimSpace(desc)
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return out, err
}
