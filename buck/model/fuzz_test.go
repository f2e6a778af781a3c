package model

import (
	"testing"
)

// FuzzScanSource: the source scanner sees arbitrary text before the parser
// does, so it must never panic, and what it reports is on a real line.
func FuzzScanSource(f *testing.F) {
	for _, s := range []string{
		"def f(a: int) -> str:\n    return f\"{a}\"\n",
		"x = \"\"\"\nf'x'\n\"\"\"\n", "'unterminated", "d = {\n a: 1,\n}\n", "\\", "def (", ")->", "r'\\'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		lines := 1
		for _, c := range src {
			if c == '\n' {
				lines++
			}
		}
		for _, d := range scanSource("f.bzl", []byte(src)) {
			if d.Line < 1 || d.Line > lines {
				t.Errorf("line %d outside 1..%d: %s", d.Line, lines, d)
			}
		}
	})
}

// FuzzParseConfig: .buckconfig parsing never panics.
func FuzzParseConfig(f *testing.F) {
	f.Add("[cells]\nroot = .\n")
	f.Add("[a]\nk = v \\\n  w\n")
	f.Add("[\n")
	f.Fuzz(func(t *testing.T, src string) {
		c, err := ParseConfig("f", []byte(src))
		if err == nil && c == nil {
			t.Error("nil config without error")
		}
	})
}

// FuzzParseLabel: label and pattern parsing never panic, and a parsed
// label prints as a label that parses to itself.
func FuzzParseLabel(f *testing.F) {
	cs := &Cells{cells: map[string]*Cell{"root": {Name: "root", Path: "."}, "core": {Name: "core", Path: "c"}}, aliases: map[string]string{"r": "root"}}
	cs.rootCel = cs.cells["root"]
	for _, s := range []string{":a", "//a/b:c", "core//x:y[z]", "@r//:a", "//...", "PUBLIC", "//a:", "a//b", ":", "//a/../b:c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cur := PackageID{Cell: "root", Path: "p"}
		_, _ = ParsePattern(s, cur, cs)
		l, err := ParseLabel(s, cur, cs)
		if err != nil {
			return
		}
		again, err := ParseLabel(l.String(), cur, cs)
		if err != nil || again != l {
			t.Errorf("%q -> %s -> %v, %v", s, l, again, err)
		}
	})
}
