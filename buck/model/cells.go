package model

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Cell is one Buck2 cell: a name, a directory relative to the workspace
// root (slash-separated, "." for the root cell) and the configuration its
// files see through read_config.
type Cell struct {
	Name string
	Path string
	// External is the origin from [external_cells] ("bundled", "git"), or
	// "" for a cell whose files are in the workspace.
	External string
	Config   *Config
	// aliases are the [cell_aliases] of the cell's own configuration,
	// seen only from inside the cell (on top of the root's).
	aliases map[string]string
}

// Cells is the cell table of a workspace, read from the root .buckconfig.
type Cells struct {
	Root    string // absolute directory of the workspace
	cells   map[string]*Cell
	aliases map[string]string
	rootCel *Cell
	// inferTargetNames is [buck2] infer_target_names: cell//pkg in an
	// attribute means cell//pkg:<last component of pkg>.
	inferTargetNames bool
}

// LoadCells reads the root cell's configuration: [cells] (and the legacy
// [repositories]), [cell_aliases] and [external_cells]. As in Buck2, each
// cell's read_config sees only that cell's own project configuration
// (.buckconfig.d/*, .buckconfig, .buckconfig.local, later ones winning): a
// cell without those files has an empty configuration, and only
// read_root_config reaches the root's.
func LoadCells(root string) (*Cells, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("workspace %s: %w", root, err)
	}
	if _, err := os.Stat(filepath.Join(abs, ".buckconfig")); err != nil {
		return nil, fmt.Errorf("workspace %s has no readable .buckconfig: %w", root, err)
	}
	rootCfg, err := readCellConfig(abs, ".")
	if err != nil {
		return nil, err
	}
	cs := &Cells{Root: abs, cells: map[string]*Cell{}, aliases: map[string]string{}}
	if v, ok := rootCfg.Get("buck2", "infer_target_names"); ok {
		cs.inferTargetNames = strings.EqualFold(v, "true")
	}
	for _, section := range []string{"repositories", "cells"} {
		for _, name := range rootCfg.Keys(section) {
			p, _ := rootCfg.Get(section, name)
			clean := path.Clean(filepath.ToSlash(p))
			if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
				return nil, fmt.Errorf(".buckconfig: [%s] %s = %s: cell path must be inside the workspace", section, name, p)
			}
			cs.cells[name] = &Cell{Name: name, Path: clean}
		}
	}
	for _, name := range rootCfg.Keys("external_cells") {
		origin, _ := rootCfg.Get("external_cells", name)
		c, ok := cs.cells[name]
		if !ok {
			return nil, fmt.Errorf(".buckconfig: [external_cells] %s: no such cell in [cells]", name)
		}
		c.External = origin
	}
	for _, c := range cs.cells {
		if c.Path == "." {
			if cs.rootCel != nil {
				return nil, fmt.Errorf(".buckconfig: cells %s and %s both have path .", cs.rootCel.Name, c.Name)
			}
			cs.rootCel = c
		}
	}
	if cs.rootCel == nil {
		cs.rootCel = &Cell{Name: "root", Path: "."}
		cs.cells["root"] = cs.rootCel
	}
	for _, alias := range rootCfg.Keys("cell_aliases") {
		target, _ := rootCfg.Get("cell_aliases", alias)
		if _, ok := cs.cells[target]; !ok {
			return nil, fmt.Errorf(".buckconfig: [cell_aliases] %s = %s: no such cell", alias, target)
		}
		cs.aliases[alias] = target
	}
	for _, c := range cs.cells {
		switch {
		case c.Path == ".":
			c.Config = rootCfg
		case c.External != "":
			c.Config = &Config{sections: map[string]map[string]string{}}
		default:
			if c.Config, err = readCellConfig(abs, c.Path); err != nil {
				return nil, err
			}
		}
		if c.Path == "." {
			continue
		}
		for _, alias := range c.Config.Keys("cell_aliases") {
			target, _ := c.Config.Get("cell_aliases", alias)
			dest, ok := cs.Lookup(target)
			if !ok {
				return nil, fmt.Errorf("%s/.buckconfig: [cell_aliases] %s = %s: no such cell", c.Path, alias, target)
			}
			if c.aliases == nil {
				c.aliases = map[string]string{}
			}
			c.aliases[alias] = dest.Name
		}
	}
	return cs, nil
}

// readCellConfig merges a cell's project configuration files.
func readCellConfig(root, cellPath string) (*Config, error) {
	cfg := &Config{sections: map[string]map[string]string{}}
	dir := filepath.Join(root, filepath.FromSlash(cellPath))
	var files []string
	if entries, err := os.ReadDir(filepath.Join(dir, ".buckconfig.d")); err == nil {
		for _, e := range entries {
			if !e.IsDir() {
				files = append(files, path.Join(".buckconfig.d", e.Name()))
			}
		}
	}
	files = append(files, ".buckconfig", ".buckconfig.local")
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("cell %s: %w", cellPath, err)
		}
		c, err := ParseConfig(path.Join(cellPath, f), data)
		if err != nil {
			return nil, err
		}
		cfg = cfg.overlay(c)
	}
	return cfg, nil
}

// LookupFrom finds a cell by name or alias as written in a file of the
// cell from: Buck2 resolves the cell's own [cell_aliases] on top of the
// root cell's (buck2_core cells.rs new_for_non_root_cell).
func (cs *Cells) LookupFrom(from, name string) (*Cell, bool) {
	if c, ok := cs.cells[from]; ok {
		if t, ok := c.aliases[name]; ok {
			name = t
		}
	}
	return cs.Lookup(name)
}

// Lookup finds a cell by name or alias of the root cell.
func (cs *Cells) Lookup(name string) (*Cell, bool) {
	if t, ok := cs.aliases[name]; ok {
		name = t
	}
	c, ok := cs.cells[name]
	return c, ok
}

// RootCell is the cell whose path is the workspace root.
func (cs *Cells) RootCell() *Cell { return cs.rootCel }

// All returns the cells sorted by name.
func (cs *Cells) All() []*Cell {
	out := make([]*Cell, 0, len(cs.cells))
	for _, c := range cs.cells {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Owner returns the cell owning a workspace-relative slash path (the cell
// with the longest path prefix) and the path relative to that cell.
func (cs *Cells) Owner(rel string) (*Cell, string) {
	rel = path.Clean(rel)
	best := cs.rootCel
	for _, c := range cs.cells {
		if c.Path == "." || len(c.Path) <= len(best.Path) && best.Path != "." {
			continue
		}
		if rel == c.Path || strings.HasPrefix(rel, c.Path+"/") {
			best = c
		}
	}
	if best.Path == "." {
		if rel == "." {
			return best, ""
		}
		return best, rel
	}
	return best, strings.TrimPrefix(strings.TrimPrefix(rel, best.Path), "/")
}

// Dir returns the workspace-relative slash path of a package in a cell.
func (c *Cell) Dir(pkg string) string {
	if c.Path == "." {
		if pkg == "" {
			return "."
		}
		return pkg
	}
	return path.Join(c.Path, pkg)
}
