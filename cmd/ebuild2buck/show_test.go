package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/depspec"
)

func TestDepNodeView(t *testing.T) {
	leaf := func(v string) *depNode { return &depNode{Value: v} }
	tests := []struct {
		key, in string
		want    *depNode
	}{
		{
			"REQUIRED_USE", "x? ( a !b ) || ( c ( d e ) ) ^^ ( u v ) ?? ( w ) !y? ( z )",
			&depNode{Op: "all", Children: []*depNode{
				{Op: "x?", Children: []*depNode{leaf("a"), leaf("!b")}},
				{Op: "||", Children: []*depNode{leaf("c"), {Op: "all", Children: []*depNode{leaf("d"), leaf("e")}}}},
				{Op: "^^", Children: []*depNode{leaf("u"), leaf("v")}},
				{Op: "??", Children: []*depNode{leaf("w")}},
				{Op: "!y?", Children: []*depNode{leaf("z")}},
			}},
		},
		{
			"LICENSE", "MIT || ( GPL-2 BSD )",
			&depNode{Op: "all", Children: []*depNode{leaf("MIT"), {Op: "||", Children: []*depNode{leaf("GPL-2"), leaf("BSD")}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, err := depspec.Parse(tt.key, tt.in, "8")
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, newDepNode(n)); d != "" {
				t.Errorf("newDepNode(%q) (-want +got):\n%s", tt.in, d)
			}
		})
	}
}

func TestPkgView(t *testing.T) {
	md := &ebuild.Metadata{
		Ref: ebuild.Ref{Repo: "r", Category: "cat", PN: "p", PVR: "1", Path: "p-1.ebuild"},
		Raw: map[string]string{
			"EAPI": "8", "SLOT": "0/1.2", "IUSE": "+ssl -doc test", "DEFINED_PHASES": "-",
			"RDEPEND": "!cat/old ssl? ( >=dev-libs/openssl-3:=[static-libs(-)] )",
			"DEPEND":  "bad//atom",
			"SRC_URI": "https://x.example/a-1.tar.gz -> b-1.tar.gz mirror://gentoo/c.tar.gz",
		},
		Eclasses: []ebuild.Eclass{{Name: "e", MD5: "m1"}},
		MD5:      "m",
	}
	v := newPkgView(md)
	if v.Slot != "0" || v.SubSlot != "1.2" {
		t.Errorf("slot = %q/%q, want 0/1.2", v.Slot, v.SubSlot)
	}
	if d := cmp.Diff([]useFlag{{"ssl", "+"}, {"doc", "-"}, {"test", ""}}, v.IUse); d != "" {
		t.Errorf("IUse (-want +got):\n%s", d)
	}
	if v.DefinedPhases != nil {
		t.Errorf("DefinedPhases = %v, want none", v.DefinedPhases)
	}
	rd := v.RDepend.Children
	if len(rd) != 2 {
		t.Fatalf("RDEPEND children = %d, want 2", len(rd))
	}
	if d := cmp.Diff(&atomView{Package: "cat/old", Blocker: "!"}, rd[0].Atom); d != "" {
		t.Errorf("blocker atom (-want +got):\n%s", d)
	}
	wantSSL := &atomView{Package: "dev-libs/openssl", Op: ">=", Version: "3", SlotOp: "=", Use: []string{"static-libs(-)"}}
	if d := cmp.Diff(wantSSL, rd[1].Children[0].Atom); d != "" {
		t.Errorf("openssl atom (-want +got):\n%s", d)
	}
	if v.Depend != nil || !strings.Contains(v.ParseErrors["DEPEND"], "bad//atom") {
		t.Errorf("DEPEND = %+v, parse errors %v; want no tree and an error naming the atom", v.Depend, v.ParseErrors)
	}
	wantURIs := []*depNode{
		{Value: "https://x.example/a-1.tar.gz", URI: &uriView{URL: "https://x.example/a-1.tar.gz", Filename: "b-1.tar.gz", Renamed: true}},
		{Value: "mirror://gentoo/c.tar.gz", URI: &uriView{URL: "mirror://gentoo/c.tar.gz", Filename: "c.tar.gz", Mirror: "gentoo", Path: "c.tar.gz"}},
	}
	if d := cmp.Diff(wantURIs, v.SrcURI.Children); d != "" {
		t.Errorf("SRC_URI (-want +got):\n%s", d)
	}

	// JSON is stable: encoding twice gives the same bytes, in field order.
	a, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(newPkgView(md))
	if string(a) != string(b) {
		t.Error("JSON differs between two encodings")
	}
	if !strings.HasPrefix(string(a), `{"cpf":"cat/p-1","repo":"r","path":"p-1.ebuild","eapi":"8"`) {
		t.Errorf("JSON starts %s", a[:80])
	}

	var text strings.Builder
	v.writeText(&text)
	for _, want := range []string{
		"cat/p-1::r\n",
		"  SLOT:           0\n",
		"  SUBSLOT:        1.2\n",
		"  IUSE:           ssl (on), doc (off), test\n",
		"  RDEPEND:\n    !cat/old\n    ssl? (\n      >=dev-libs/openssl-3:=[static-libs(-)]\n    )\n",
		"  SRC_URI:\n    https://x.example/a-1.tar.gz -> b-1.tar.gz\n    mirror://gentoo/c.tar.gz\n",
		"  DEPEND does not parse: ",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
}

func TestShowCommand(t *testing.T) {
	stdout, stderr, err := runEbuild2buck(t, "show", "cat-a/good", "--repo", "testdata/repo", "--json")
	if err != nil {
		t.Fatalf("show: %v\n%s", err, stderr)
	}
	var views []pkgView
	if err := json.Unmarshal([]byte(stdout), &views); err != nil {
		t.Fatalf("show --json output: %v\n%s", err, stdout)
	}
	if len(views) != 1 {
		t.Fatalf("got %d packages, want 1", len(views))
	}
	v := views[0]
	if v.CPF != "cat-a/good-1.2-r1" || v.Slot != "0" || v.SubSlot != "1" || v.EAPI != "8" {
		t.Errorf("view = %s %s/%s EAPI %s", v.CPF, v.Slot, v.SubSlot, v.EAPI)
	}
	if d := cmp.Diff([]useFlag{{"ssl", "+"}, {"test", ""}, {"hello-flag", ""}}, v.IUse); d != "" {
		t.Errorf("IUse (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"compile", "install"}, v.DefinedPhases); d != "" {
		t.Errorf("DefinedPhases (-want +got):\n%s", d)
	}
	if v.RDepend == nil || len(v.RDepend.Children) != 2 || v.RDepend.Children[1].Op != "||" {
		t.Errorf("RDEPEND tree = %+v", v.RDepend)
	}

	text, _, err := runEbuild2buck(t, "show", "good", "--repo", "testdata/repo")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text, "cat-a/good-1.2-r1::fixture\n") || !strings.Contains(text, "  INHERIT:        hello\n") {
		t.Errorf("text output:\n%s", text)
	}

	_, _, err = runEbuild2buck(t, "show", "cat-a/broken", "--repo", "testdata/repo")
	if err == nil || !strings.Contains(err.Error(), "cat-a/broken-1: testdata/repo/cat-a/broken/broken-1.ebuild:4:") {
		t.Errorf("show of a failing ebuild: error = %v", err)
	}
	if _, _, err := runEbuild2buck(t, "show", "cat-a/good"); err == nil || !strings.Contains(err.Error(), "--repo is required") {
		t.Errorf("show without --repo: error = %v", err)
	}
}
