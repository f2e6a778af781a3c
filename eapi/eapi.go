// Package eapi says what differs between the EAPIs BuckOS supports. Each
// EAPI is one row of a table: supporting a new EAPI means adding a row, not
// touching the evaluator.
package eapi

import (
	"fmt"
	"slices"
)

// EAPI describes one supported EAPI (PMS 2025, eapi-cheatsheet).
type EAPI struct {
	Name string
	// BashCompat is the BASH_COMPAT level Portage selects for it.
	BashCompat string
	// MetadataKeys lists the dependency keys this EAPI has, in md5-cache order.
	DepKeys []string
	// Accumulated lists the variables whose eclass values are appended to the
	// ebuild's (PMS table "accumulate-vars").
	Accumulated []string
	// Failglob: an unmatched glob in global scope is fatal.
	Failglob bool
	// EmptyGroupFalse: an empty || or ^^ group is false (EAPI 7+), not true.
	EmptyGroupFalse bool
	// SrcURIPrefixes: fetch+ and mirror+ URI prefixes (EAPI 8+).
	SrcURIPrefixes bool
	// PatchesAlwaysFiles: default src_prepare calls `eapply --` (EAPI 8+).
	PatchesAlwaysFiles bool
	// BannedGlobal lists helpers that are errors when called (dies), beyond
	// the ones every supported EAPI bans in global scope.
	Banned []string
	// Exported: PM variables are exported to the environment (not in EAPI 9).
	Exported bool
}

var (
	depKeys6  = []string{"DEPEND", "RDEPEND", "PDEPEND"}
	depKeys7  = []string{"BDEPEND", "DEPEND", "RDEPEND", "PDEPEND"}
	depKeys8  = []string{"BDEPEND", "DEPEND", "IDEPEND", "RDEPEND", "PDEPEND"}
	accum6    = []string{"IUSE", "REQUIRED_USE", "DEPEND", "RDEPEND", "PDEPEND"}
	accum7    = []string{"IUSE", "REQUIRED_USE", "DEPEND", "RDEPEND", "PDEPEND", "BDEPEND"}
	accum8    = []string{"IUSE", "REQUIRED_USE", "DEPEND", "RDEPEND", "PDEPEND", "BDEPEND", "IDEPEND", "PROPERTIES", "RESTRICT"}
	banned7   = []string{"dohtml", "dolib", "libopts"}
	banned8   = []string{"dohtml", "dolib", "libopts", "useq", "hasv", "hasq"}
	banned9   = []string{"dohtml", "dolib", "libopts", "useq", "hasv", "hasq", "assert", "domo"}
	supported = []*EAPI{
		{Name: "6", BashCompat: "4.2", DepKeys: depKeys6, Accumulated: accum6, Failglob: true, Banned: []string{"einstall"}, Exported: true},
		{Name: "7", BashCompat: "4.2", DepKeys: depKeys7, Accumulated: accum7, Failglob: true, EmptyGroupFalse: true, Banned: banned7, Exported: true},
		{Name: "8", BashCompat: "5.0", DepKeys: depKeys8, Accumulated: accum8, Failglob: true, EmptyGroupFalse: true, SrcURIPrefixes: true, PatchesAlwaysFiles: true, Banned: banned8, Exported: true},
		{Name: "9", BashCompat: "5.3", DepKeys: depKeys8, Accumulated: accum8, Failglob: true, EmptyGroupFalse: true, SrcURIPrefixes: true, PatchesAlwaysFiles: true, Banned: banned9},
	}
)

// UnsupportedError is returned for an EAPI BuckOS does not evaluate. Portage
// writes no cache entry for such an ebuild; neither do we.
type UnsupportedError struct{ Name string }

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("unsupported EAPI %q (supported: 6, 7, 8, 9); port the ebuild to a newer EAPI", e.Name)
}

// Get returns the row for name, or an *UnsupportedError.
func Get(name string) (*EAPI, error) {
	for _, e := range supported {
		if e.Name == name {
			return e, nil
		}
	}
	return nil, &UnsupportedError{Name: name}
}

// Supported lists the supported EAPI names, oldest first.
func Supported() []string {
	names := make([]string, len(supported))
	for i, e := range supported {
		names[i] = e.Name
	}
	return names
}

// HasKey reports whether key is a dependency key of this EAPI.
func (e *EAPI) HasKey(key string) bool { return slices.Contains(e.DepKeys, key) }

// Accumulates reports whether eclass values of variable v are appended.
func (e *EAPI) Accumulates(v string) bool { return slices.Contains(e.Accumulated, v) }

// IsBanned reports whether helper is banned in this EAPI.
func (e *EAPI) IsBanned(helper string) bool { return slices.Contains(e.Banned, helper) }
