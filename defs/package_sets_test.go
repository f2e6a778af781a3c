package defs_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.starlark.net/starlark"

	"buckos.dev/buckos/emit/sync"
)

// setsRegistry has two packages of the built-in lists (core//baselayout from the
// minimal profile, www//nginx from web-server) and the packages the synced table
// below resolves to.
const setsRegistry = `REGISTRY = {
    "core//baselayout": {"package": "sys-apps/baselayout", "default": "2.17", "versions": {"2.17": {"slot": "0", "status": "stable"}}},
    "www//nginx": {"package": "www-servers/nginx", "default": "1.27.0", "versions": {"1.27.0": {"slot": "0", "status": "stable"}}},
    "system//release": {"package": "app-misc/release", "default": "1", "versions": {"1": {"slot": "0", "status": "stable"}}},
    "network//openssh": {"package": "net-misc/openssh", "default": "9.8", "versions": {"9.8": {"slot": "0", "status": "stable"}}},
    "databases//sqlite": {"package": "dev-db/sqlite", "default": "3.46", "versions": {"3.46": {"slot": "0", "status": "stable"}}},
    "core//glibc": {"package": "sys-libs/glibc", "default": "2.40", "versions": {"2.40": {"slot": "2.2", "status": "stable"}}},
}`

// setsSynced is what sync writes for a workspace whose repositories have a default
// profile and sets/minimal, sets/server, sets/web-server and sets/my-tools files.
const setsSynced = `
SYSTEM_PROFILE = "gentoo:default/linux/amd64/23.0"
SETS = {
    "minimal": ["system//release:release"],
    "my-tools": ["network//openssh:openssh"],
    "server": ["network//openssh:openssh", "system//release:release"],
    "system": ["core//glibc:glibc"],
    "web-server": [],
}
UNRESOLVED = {
    "minimal": ["sys-apps/busybox"],
    "server": ["app-admin/sudo", "sys-apps/busybox"],
    "system": ["sys-apps/gawk"],
    "web-server": ["www-servers/nginx"],
}
`

// setTargets returns, per package_set_rule target, its members and labels.
func setTargets(h *host) map[string][2][]string {
	out := map[string][2][]string{}
	for _, c := range h.calls {
		if _, ok := c.attrs["members"]; !ok {
			continue
		}
		var members, labels []string
		for _, v := range toGo(c.attrs["members"]).([]any) {
			members = append(members, v.(string))
		}
		for _, v := range toGo(c.attrs["labels"]).([]any) {
			labels = append(labels, v.(string))
		}
		out[string(c.attrs["name"].(starlark.String))] = [2][]string{members, labels}
	}
	return out
}

// seedExamples are the seed's two examples, as written there, plus a task set, a
// desktop set and a set naming @system and a set only sync knows.
const seedExamples = `
load("@root//defs:package_sets.bzl", "SYSTEM_PACKAGES", "combined_set", "desktop_set", "named_set_packages", "package_set", "profile_packages", "system_set", "task_set")
system_set(
    name = "my-server",
    profile = "server",
    additions = [
        "network//vpn:wireguard-tools",
        "www//servers:nginx",
    ],
    removals = [
        "editors//emacs:emacs",
    ],
)
combined_set(
    name = "full-stack-server",
    sets = ["@web-server", "@database-server", "@monitoring"],
)
task_set(name = "web", task = "web-server", removals = ["dev-libs//openssl:openssl"])
desktop_set(name = "sway", desktop = "sway-desktop")
system = SYSTEM_PACKAGES
server = profile_packages("server")
`

func TestPackageSetsBuiltin(t *testing.T) {
	h := newHost(t)
	h.overrides["packages/registry_data.bzl"] = setsRegistry
	h.overrides["packages/sets_data.bzl"] = "SYSTEM_PROFILE = \"\"\nSETS = {}\nUNRESOLVED = {}\n"
	g := mustEval(t, h, seedExamples)
	sets := setTargets(h)

	// Without sync: the built-in lists, server inheriting minimal; only packages the
	// registry has are members, the rest are buckos:missing:<label>.
	server := sets["my-server"]
	if diff := cmp.Diff([]string{"core//baselayout:baselayout", "core//glibc:glibc", "network//openssh:openssh", "network//vpn:wireguard-tools", "www//servers:nginx"}, server[0]); diff != "" {
		t.Errorf("my-server members (-want +got):\n%s", diff)
	}
	for _, want := range []string{"buckos:profile:server", "buckos:set", "buckos:missing:core//zlib:zlib", "buckos:missing:network//curl:curl", "buckos:missing:core//procps:procps"} {
		if !contains(server[1], want) {
			t.Errorf("my-server labels lack %q: %v", want, server[1])
		}
	}
	if contains(server[1], "buckos:missing:core//baselayout:baselayout") || contains(server[1], "buckos:missing:network//openssh:openssh") {
		t.Errorf("a present member is reported missing: %v", server[1])
	}
	if diff := cmp.Diff([]string{"www//nginx:nginx", "databases//sqlite:sqlite"}, sets["full-stack-server"][0]); diff != "" {
		t.Errorf("full-stack-server members (-want +got):\n%s", diff)
	}
	for _, want := range []string{"buckos:missing:databases//postgresql:postgresql", "buckos:missing:system//htop:htop"} {
		if !contains(sets["full-stack-server"][1], want) {
			t.Errorf("full-stack-server labels lack %q: %v", want, sets["full-stack-server"][1])
		}
	}
	if contains(sets["web"][1], "buckos:missing:dev-libs//openssl:openssl") {
		t.Errorf("a removed member is still reported: %v", sets["web"][1])
	}
	if !contains(sets["sway"][1], "buckos:missing:desktop//sway:sway") {
		t.Errorf("sway labels: %v", sets["sway"][1])
	}
	// @system is the built-in minimal profile, unfiltered.
	system := toGo(g["system"]).([]any)
	if len(system) < 10 || system[0] != "core//baselayout:baselayout" || !containsAny(system, "core//glibc:glibc") {
		t.Errorf("SYSTEM_PACKAGES = %v, want the built-in minimal profile", system)
	}
	server2 := toGo(g["server"]).([]any)
	if len(server2) != len(system)+8 || !cmp.Equal(server2[:len(system)], system) {
		t.Errorf("profile_packages(server) = %v, want minimal then the 8 server packages", server2)
	}
}

func TestPackageSetsSynced(t *testing.T) {
	h := newHost(t)
	h.overrides["packages/registry_data.bzl"] = setsRegistry
	h.overrides["packages/sets_data.bzl"] = setsSynced
	g := mustEval(t, h, seedExamples+`
package_set(name = "tools", sets = ["@my-tools", "@system"], removals = ["sys-apps/gawk"])
`)
	sets := setTargets(h)
	tests := []struct {
		set     string
		members []string
		missing []string
	}{
		// server inherits minimal: both synced; built-in labels (baselayout) are not used.
		{"my-server", []string{"system//release:release", "network//openssh:openssh", "network//vpn:wireguard-tools", "www//servers:nginx"}, []string{"sys-apps/busybox", "app-admin/sudo"}},
		// web-server synced (nginx unresolved even though the built-in nginx label
		// exists); database-server and monitoring built-in. Missing built-in labels
		// come first, then unresolved atoms.
		{"full-stack-server", []string{"databases//sqlite:sqlite"}, []string{"databases//postgresql:postgresql", "databases//mariadb:mariadb", "databases//redis:redis", "system//prometheus:prometheus", "network//net-snmp:net-snmp", "system//htop:htop", "system//sysstat:sysstat", "www-servers/nginx"}},
		{"web", nil, []string{"www-servers/nginx"}},
		// A set only sync knows and @system; the removal names an unresolved atom.
		{"tools", []string{"network//openssh:openssh", "core//glibc:glibc"}, nil},
	}
	for _, tc := range tests {
		got, ok := sets[tc.set]
		if !ok {
			t.Errorf("no target %s", tc.set)
			continue
		}
		if diff := cmp.Diff(tc.members, got[0]); diff != "" {
			t.Errorf("%s members (-want +got):\n%s", tc.set, diff)
		}
		var missing []string
		for _, l := range got[1] {
			if m, ok := strings.CutPrefix(l, "buckos:missing:"); ok {
				missing = append(missing, m)
			}
		}
		if diff := cmp.Diff(tc.missing, missing); diff != "" {
			t.Errorf("%s missing (-want +got):\n%s", tc.set, diff)
		}
	}
	if diff := cmp.Diff([]any{"core//glibc:glibc"}, toGo(g["system"])); diff != "" {
		t.Errorf("SYSTEM_PACKAGES (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{"system//release:release", "network//openssh:openssh"}, toGo(g["server"])); diff != "" {
		t.Errorf("profile_packages(server) (-want +got):\n%s", diff)
	}

	// Without a default profile, @system is the minimal profile (here: synced).
	h = newHost(t)
	h.overrides["packages/registry_data.bzl"] = setsRegistry
	h.overrides["packages/sets_data.bzl"] = strings.Replace(setsSynced, `"gentoo:default/linux/amd64/23.0"`, `""`, 1)
	g = mustEval(t, h, `
load("@root//defs:package_sets.bzl", "SYSTEM_PACKAGES", "named_set_packages")
system = SYSTEM_PACKAGES
named = named_set_packages("@system")
`)
	for _, k := range []string{"system", "named"} {
		if diff := cmp.Diff([]any{"system//release:release"}, toGo(g[k])); diff != "" {
			t.Errorf("%s without SYSTEM_PROFILE (-want +got):\n%s", k, diff)
		}
	}

	// Unknown names fail loading and list what is known, synced sets included.
	for _, code := range []string{
		`load("@root//defs:package_sets.bzl", "combined_set")
combined_set(name = "x", sets = ["@nope"])`,
		`load("@root//defs:package_sets.bzl", "system_set")
system_set(name = "x", profile = "my-tools")`,
	} {
		h = newHost(t)
		h.overrides["packages/registry_data.bzl"] = setsRegistry
		h.overrides["packages/sets_data.bzl"] = setsSynced
		msg := evalErr(t, h, code)
		if !strings.Contains(msg, "unknown") || !strings.Contains(msg, "server") {
			t.Errorf("error %q does not name the known sets", msg)
		}
		if strings.Contains(code, "@nope") && !strings.Contains(msg, "my-tools") {
			t.Errorf("error %q does not name the synced sets", msg)
		}
	}
}

// TestPackageSetsOverlaySync syncs the bundled overlay (overlays/repos.conf) into a
// scratch workspace and loads the seed's examples against what sync wrote. The
// overlay has no profiles.desc, so @system is its minimal set.
func TestPackageSetsOverlaySync(t *testing.T) {
	root := repoRootDir(t)
	confs, err := sync.ReadReposConf(filepath.Join(root, "overlays", "repos.conf"))
	if err != nil {
		t.Fatal(err)
	}
	h, g := syncAndLoad(t, confs)
	if got := toGo(g["profile"]); got != "" {
		t.Errorf("SYSTEM_PROFILE = %q, want none (the overlay has no profiles.desc)", got)
	}
	checkSyncedSets(t, h, g, []string{"minimal"})
}

// TestPackageSetsCorpusSync syncs the overlay over the corpus Gentoo tree: @system is
// the default profile's, exactly as sync resolved it, and the seed's examples are
// resolved through the overlay's set files.
func TestPackageSetsCorpusSync(t *testing.T) {
	shared := os.Getenv("BUCKOS_SHARED")
	if shared == "" {
		t.Skip("BUCKOS_SHARED is not set: this test syncs $BUCKOS_SHARED/corpus/gentoo")
	}
	gentoo := filepath.Join(shared, "corpus", "gentoo")
	if _, err := os.Stat(filepath.Join(gentoo, "profiles", "profiles.desc")); err != nil {
		t.Fatalf("BUCKOS_SHARED is set but the corpus is missing: %v", err)
	}
	if testing.Short() {
		t.Skip("-short: syncing the corpus takes seconds")
	}
	root := repoRootDir(t)
	confs, err := sync.ReadReposConf(filepath.Join(root, "overlays", "repos.conf"))
	if err != nil {
		t.Fatal(err)
	}
	confs = append(confs, sync.RepoConf{Name: "gentoo", Location: gentoo, Priority: 0})
	h, g := syncAndLoad(t, confs)
	if got := toGo(g["profile"]); got == "" {
		t.Errorf("SYSTEM_PROFILE is empty, want the corpus's default amd64 profile")
	}
	checkSyncedSets(t, h, g, nil)
}

func repoRootDir(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// syncAndLoad syncs the repositories into a scratch workspace and evaluates the
// seed's examples, a package_set of "@system" and the synced data with defs/ against
// the registry and sets sync wrote.
func syncAndLoad(t *testing.T, confs []sync.RepoConf) (*host, starlark.StringDict) {
	t.Helper()
	srcs, err := sync.OpenSources(confs)
	if err != nil {
		t.Fatal(err)
	}
	root := repoRootDir(t)
	ws := t.TempDir()
	buckconfig, err := os.ReadFile(filepath.Join(root, ".buckconfig"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ws, ".buckconfig"), buckconfig, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := sync.Run(context.Background(), sync.Options{Workspace: ws, Sources: srcs,
		Evaluator: sync.NewSourceEvaluator(srcs), EvaluatorVersion: "test", Generator: sync.NewGenerator("test"), Jobs: 2}); err != nil {
		t.Fatal(err)
	}
	h := newHost(t)
	for _, f := range []string{"packages/registry_data.bzl", "packages/sets_data.bzl"} {
		data, err := os.ReadFile(filepath.Join(ws, f))
		if err != nil {
			t.Fatal(err)
		}
		h.overrides[f] = string(data)
	}
	g := mustEval(t, h, seedExamples+`
load("@root//packages:registry_data.bzl", "REGISTRY")
load("@root//packages:sets_data.bzl", "SETS", "SYSTEM_PROFILE", "UNRESOLVED")
package_set(name = "at-system", sets = ["@system"])
packages = {k: v["package"] for k, v in REGISTRY.items()}
profile = SYSTEM_PROFILE
synced_system = SETS["system"]
unresolved_system = UNRESOLVED.get("system", [])
`)
	return h, g
}

// checkSyncedSets checks the seed's examples against the overlay's set files: every
// atom of sets/{minimal,server} is either a member of my-server (the default label of
// its package, CELL//DIR:PN) or a buckos:missing:ATOM label, and nothing else is; the
// same for full-stack-server and sets/{web-server,database-server,monitoring}. @system
// is SETS["system"] when systemFrom is nil (and the corpus provides some of the
// full-stack-server atoms), else the union of those overlay sets (and the overlay
// provides none of them).
func checkSyncedSets(t *testing.T, h *host, g starlark.StringDict, systemFrom []string) {
	t.Helper()
	root := repoRootDir(t)
	labelOf := map[string]string{} // CAT/PN -> CELL//DIR:PN
	for k, v := range toGo(g["packages"]).(map[string]any) {
		cp := v.(string)
		labelOf[cp] = k + ":" + cp[strings.Index(cp, "/")+1:]
	}
	partition := func(sets []string) (members, missing map[string]bool) {
		members, missing = map[string]bool{}, map[string]bool{}
		for _, set := range sets {
			for _, a := range setFile(t, filepath.Join(root, "overlays", "buckos", "sets", set)) {
				if l, ok := labelOf[a]; ok {
					members[l] = true
				} else {
					missing[a] = true
				}
			}
		}
		return members, missing
	}
	targets := setTargets(h)
	for _, tc := range []struct {
		target   string
		sets     []string
		extra    []string
		provided bool // the repositories provide some of the atoms
	}{
		{"my-server", []string{"minimal", "server"}, []string{"network//vpn:wireguard-tools", "www//servers:nginx"}, true},
		{"full-stack-server", []string{"web-server", "database-server", "monitoring"}, nil, systemFrom == nil},
	} {
		wantMembers, wantMissing := partition(tc.sets)
		if (len(wantMembers) == 0) == tc.provided || len(wantMissing) == 0 {
			t.Errorf("%s: sets %v: the repositories provide %v (want some: %v) and lack %v (want some)", tc.target, tc.sets, wantMembers, tc.provided, wantMissing)
		}
		for _, e := range tc.extra {
			wantMembers[e] = true
		}
		got, ok := targets[tc.target]
		if !ok {
			t.Errorf("no target %s", tc.target)
			continue
		}
		gotMembers, gotMissing := map[string]bool{}, map[string]bool{}
		for _, m := range got[0] {
			gotMembers[m] = true
		}
		for _, l := range got[1] {
			if m, ok := strings.CutPrefix(l, "buckos:missing:"); ok {
				gotMissing[m] = true
			}
		}
		if diff := cmp.Diff(wantMembers, gotMembers); diff != "" {
			t.Errorf("%s members (-want +got):\n%s", tc.target, diff)
		}
		if diff := cmp.Diff(wantMissing, gotMissing); diff != "" {
			t.Errorf("%s missing (-want +got):\n%s", tc.target, diff)
		}
	}

	var wantSystem []any
	var wantSystemMissing []string
	if systemFrom == nil {
		wantSystem = toGo(g["synced_system"]).([]any)
		for _, a := range toGo(g["unresolved_system"]).([]any) {
			wantSystemMissing = append(wantSystemMissing, a.(string))
		}
		if len(wantSystem) == 0 {
			t.Errorf("sync resolved no @system package")
		}
	} else {
		members, missing := partition(systemFrom)
		for m := range members {
			wantSystem = append(wantSystem, m)
		}
		for m := range missing {
			wantSystemMissing = append(wantSystemMissing, m)
		}
	}
	sortAny := func(l []any) []any {
		out := append([]any(nil), l...)
		sort.Slice(out, func(i, j int) bool { return out[i].(string) < out[j].(string) })
		return out
	}
	if diff := cmp.Diff(sortAny(wantSystem), sortAny(toGo(g["system"]).([]any))); diff != "" {
		t.Errorf("SYSTEM_PACKAGES (-want +got):\n%s", diff)
	}
	at := targets["at-system"]
	var gotMissing []string
	for _, l := range at[1] {
		if m, ok := strings.CutPrefix(l, "buckos:missing:"); ok {
			gotMissing = append(gotMissing, m)
		}
	}
	var gotMembers []any
	for _, m := range at[0] {
		gotMembers = append(gotMembers, m)
	}
	sort.Strings(wantSystemMissing)
	sort.Strings(gotMissing)
	if diff := cmp.Diff(sortAny(wantSystem), sortAny(gotMembers)); diff != "" {
		t.Errorf("package_set @system members (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantSystemMissing, gotMissing); diff != "" {
		t.Errorf("package_set @system missing (-want +got):\n%s", diff)
	}
}

// setFile returns the atoms of a sets/ file (one per line, # comments).
func setFile(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsAny(list []any, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
