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
// scratch workspace and loads the seed's examples against what sync wrote: every atom
// of overlays/buckos/sets/{minimal,server} is either a member (the default label of its
// package) or a buckos:missing:ATOM label of my-server, and nothing else is.
func TestPackageSetsOverlaySync(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	confs, err := sync.ReadReposConf(filepath.Join(root, "overlays", "repos.conf"))
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := sync.OpenSources(confs)
	if err != nil {
		t.Fatal(err)
	}
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
packages = {k: v["package"] for k, v in REGISTRY.items()}
`)
	byAtom := map[string]string{} // CAT/PN -> CELL//DIR; the default label is CELL//DIR:PN
	for k, v := range toGo(g["packages"]).(map[string]any) {
		byAtom[v.(string)] = k
	}
	var atoms []string
	for _, set := range []string{"minimal", "server"} {
		atoms = append(atoms, setFile(t, filepath.Join(root, "overlays", "buckos", "sets", set))...)
	}
	if len(atoms) == 0 {
		t.Fatal("overlays/buckos/sets/{minimal,server} have no atoms")
	}
	wantMembers := map[string]bool{"network//vpn:wireguard-tools": true, "www//servers:nginx": true}
	wantMissing := map[string]bool{}
	for _, a := range atoms {
		if key, ok := byAtom[a]; ok {
			wantMembers[key+":"+a[strings.Index(a, "/")+1:]] = true
		} else {
			wantMissing[a] = true
		}
	}
	if len(wantMembers) == 2 || len(wantMissing) == 0 {
		t.Fatalf("the overlay should provide some but not all of %v (registry %v)", atoms, byAtom)
	}
	got := setTargets(h)["my-server"]
	gotMembers := map[string]bool{}
	for _, m := range got[0] {
		gotMembers[m] = true
	}
	gotMissing := map[string]bool{}
	for _, l := range got[1] {
		if m, ok := strings.CutPrefix(l, "buckos:missing:"); ok {
			gotMissing[m] = true
		}
	}
	if diff := cmp.Diff(wantMembers, gotMembers); diff != "" {
		t.Errorf("my-server members (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantMissing, gotMissing); diff != "" {
		t.Errorf("my-server missing (-want +got):\n%s", diff)
	}
	// The overlay has no profiles.desc: @system is its minimal set.
	var minimal []string
	for _, a := range setFile(t, filepath.Join(root, "overlays", "buckos", "sets", "minimal")) {
		if key, ok := byAtom[a]; ok {
			minimal = append(minimal, key+":"+a[strings.Index(a, "/")+1:])
		}
	}
	var system []string
	for _, v := range toGo(g["system"]).([]any) {
		system = append(system, v.(string))
	}
	sort.Strings(minimal)
	sort.Strings(system)
	if diff := cmp.Diff(minimal, system); diff != "" {
		t.Errorf("SYSTEM_PACKAGES (-want +got):\n%s", diff)
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
