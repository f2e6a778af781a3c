package sync

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"buckos.dev/buckos/ebuild/repo"
)

// RepoConf is one section of a repos.conf file (Portage's format, the keys
// sync uses): location (relative to the file's directory unless absolute),
// priority (higher wins for the same CAT/PN; default 0) and masters (names
// of other sections; when absent, layout.conf decides).
type RepoConf struct {
	Name       string
	Location   string // absolute
	Priority   int
	Masters    []string
	HasMasters bool
	File       string
	Line       int
}

// ReadReposConf parses a repos.conf file. Keys other than location,
// priority and masters (and the [DEFAULT] section) are accepted and
// ignored, so a Portage repos.conf works unchanged.
func ReadReposConf(path string) ([]RepoConf, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read repositories: %w", err)
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	var out []RepoConf
	var cur *RepoConf
	for n, line := range strings.Split(string(data), "\n") {
		n++
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") {
			if !strings.HasSuffix(line, "]") {
				return nil, fmt.Errorf("%s:%d: unterminated section name", path, n)
			}
			name := strings.TrimSpace(line[1 : len(line)-1])
			cur = nil
			if name != "DEFAULT" {
				out = append(out, RepoConf{Name: name, File: path, Line: n})
				cur = &out[len(out)-1]
			}
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want KEY = VALUE", path, n)
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if cur == nil {
			continue // [DEFAULT] or before any section
		}
		switch key {
		case "location":
			if !filepath.IsAbs(value) {
				value = filepath.Join(dir, value)
			}
			cur.Location = filepath.Clean(value)
		case "priority":
			p, err := strconv.Atoi(value)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: priority %q is not an integer", path, n, value)
			}
			cur.Priority = p
		case "masters":
			cur.Masters, cur.HasMasters = strings.Fields(value), true
		}
	}
	for _, c := range out {
		if c.Location == "" {
			return nil, fmt.Errorf("%s:%d: repository %s has no location", c.File, c.Line, c.Name)
		}
	}
	return out, nil
}

// OpenSources opens every configured repository; masters named in
// repos.conf or layout.conf are looked up by name among the sections.
func OpenSources(confs []RepoConf) ([]Source, error) {
	byName := map[string]string{}
	for _, c := range confs {
		byName[c.Name] = c.Location
	}
	lookup := func(name string) (string, bool) {
		p, ok := byName[name]
		return p, ok
	}
	var out []Source
	for _, c := range confs {
		opts := repo.OpenOptions{Lookup: lookup}
		if c.HasMasters {
			if len(c.Masters) == 0 {
				opts.NoMasters = true
			}
			for _, m := range c.Masters {
				p, ok := byName[m]
				if !ok {
					return nil, fmt.Errorf("%s:%d: master %q of %s is not configured", c.File, c.Line, m, c.Name)
				}
				opts.Masters = append(opts.Masters, p)
			}
		}
		r, err := repo.Open(c.Location, opts)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", c.File, c.Line, err)
		}
		out = append(out, Source{Repo: r, Priority: c.Priority})
	}
	return out, nil
}
