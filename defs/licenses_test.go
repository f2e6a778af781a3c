package defs_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLicenseGroups checks where licenses.bzl takes its groups from: the
// built-in table before a sync, the repositories' groups (written by sync to
// packages/licenses_data.bzl) after one.
func TestLicenseGroups(t *testing.T) {
	const synced = `LICENSE_GROUPS = {
    "FREE": ["@FREE-SOFTWARE", "CC0-1.0"],
    "FREE-SOFTWARE": ["GPL-2", "MIT"],
    "EULA": ["Some-EULA"],
}`
	tests := []struct {
		name    string
		data    string // packages/licenses_data.bzl; "" keeps the committed empty table
		group   string
		want    []string
		missing []string // licenses that must not be in the group
	}{
		{"builtin FREE has nested groups", "", "@FREE", nil, []string{"Some-EULA"}},
		{"synced FREE replaces the built-in table", synced, "@FREE", []string{"CC0-1.0", "GPL-2", "MIT"}, nil},
		{"synced group without @", synced, "EULA", []string{"Some-EULA"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHost(t)
			if tc.data != "" {
				h.overrides["packages/licenses_data.bzl"] = tc.data
			}
			g := mustEval(t, h, `
load("@root//defs:licenses.bzl", "expand_license_group")
got = expand_license_group("`+tc.group+`")
`)
			var got []string
			for _, v := range toGo(g["got"]).([]any) {
				got = append(got, v.(string))
			}
			if tc.want != nil {
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", tc.group, diff)
				}
			} else if len(got) < 20 {
				t.Errorf("built-in %s has only %d licenses: %v", tc.group, len(got), got)
			}
			for _, m := range tc.missing {
				for _, l := range got {
					if l == m {
						t.Errorf("%s contains %s", tc.group, m)
					}
				}
			}
		})
	}
	h := newHost(t)
	h.overrides["packages/licenses_data.bzl"] = synced
	msg := evalErr(t, h, `
load("@root//defs:licenses.bzl", "expand_license_group")
x = expand_license_group("@OSI-APPROVED")
`)
	if want := "unknown license group @OSI-APPROVED (known: EULA, FREE, FREE-SOFTWARE)"; !strings.Contains(msg, want) {
		t.Errorf("error %q does not contain %q", msg, want)
	}
}
