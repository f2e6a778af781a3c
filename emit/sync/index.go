package sync

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// StateDir is the workspace directory sync keeps its state in.
const StateDir = ".ebuild2buck"

// indexVersion changes whenever the index layout changes; an index of
// another version is ignored (a full sync follows).
const indexVersion = 2

// index is .ebuild2buck/index.json: what the last sync read and wrote. JSON
// maps are printed with sorted keys, so the file is deterministic.
type index struct {
	Version   int                      `json:"version"`
	Generator string                   `json:"generator"`
	Evaluator string                   `json:"evaluator"`
	World     string                   `json:"world"` // digest of everything resolution depends on
	Packages  map[string]*indexPackage `json:"packages"`
	// Support maps workspace paths written outside package directories
	// (eclass copies, registry_data.bzl, ...) to their sha256.
	Support map[string]string `json:"support"`
}

type indexPackage struct {
	Repo    string                  `json:"repo"`
	Place   string                  `json:"place"` // cell//dir
	Key     string                  `json:"key"`   // digest of every input of the BUCK file
	Ebuilds map[string]*indexEbuild `json:"ebuilds"`
	// Files maps every workspace path written for the package (BUCK, files/...)
	// to its sha256.
	Files      map[string]string `json:"files"`
	Dirs       []string          `json:"dirs,omitempty"` // directories sync created, deepest first
	Targets    []Target          `json:"targets,omitempty"`
	Unresolved []Unresolved      `json:"unresolved,omitempty"`
	Failures   []Failure         `json:"failures,omitempty"`
	Problems   []string          `json:"problems,omitempty"`
}

// indexEbuild is the part of one evaluation that lets a later sync skip it.
type indexEbuild struct {
	MD5      string            `json:"md5"`
	Eclasses map[string]string `json:"eclasses,omitempty"` // name → md5
	// EclassDirs is the digest of all eclass dirs of the repository, kept
	// only for failed evaluations, whose eclass set is unknown.
	EclassDirs string            `json:"eclass_dirs,omitempty"`
	Raw        map[string]string `json:"raw,omitempty"` // the world keys only
	// Deps and Blocks are the CAT/PN its dependency keys name (as
	// dependencies, and only as blockers).
	Deps   []string `json:"deps,omitempty"`
	Blocks []string `json:"blocks,omitempty"`
	Order  []string `json:"order,omitempty"` // eclass names, completion order
	Error  string   `json:"error,omitempty"`
}

func newIndex(gen string) *index {
	return &index{Version: indexVersion, Generator: gen, Packages: map[string]*indexPackage{}, Support: map[string]string{}}
}

func loadIndex(path string) (*index, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	var ix index
	if err := json.Unmarshal(data, &ix); err != nil {
		// A damaged index only costs a full sync.
		return nil, nil
	}
	if ix.Version != indexVersion || ix.Packages == nil {
		return nil, nil
	}
	if ix.Support == nil {
		ix.Support = map[string]string{}
	}
	return &ix, nil
}

func (ix *index) encode() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ix); err != nil {
		panic(err) // only plain maps, strings and slices
	}
	return buf.Bytes()
}

func indexPath(workspace string) string {
	return filepath.Join(workspace, StateDir, "index.json")
}
