package mdcache

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"buckos.dev/buckos/ebuild"
	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Entry
		wantErr string
	}{
		{
			name: "portage entry",
			in: "DEFINED_PHASES=compile install\nEAPI=8\nSLOT=0/1\n" +
				"_eclasses_=b\tbb\ta\taa\n_md5_=0123\n",
			want: Entry{
				Keys:     map[string]string{"DEFINED_PHASES": "compile install", "EAPI": "8", "SLOT": "0/1"},
				Eclasses: []Eclass{{"b", "bb"}, {"a", "aa"}},
				MD5:      "0123",
			},
		},
		{
			name: "value with equals and no trailing newline",
			in:   "SRC_URI=https://x/?a=b\nKEYWORDS=",
			want: Entry{Keys: map[string]string{"SRC_URI": "https://x/?a=b", "KEYWORDS": ""}},
		},
		{name: "no equals", in: "EAPI=8\ngarbage\n", wantErr: "line 2: not a KEY=VALUE line"},
		{name: "repeated key", in: "EAPI=8\nEAPI=7\n", wantErr: "line 2: key EAPI repeated"},
		{name: "odd eclasses", in: "_eclasses_=a\taa\tb\n", wantErr: "line 1: _eclasses_ has an odd number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse error = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", d)
			}
		})
	}
}

func TestWrite(t *testing.T) {
	e := Entry{
		Keys: map[string]string{
			"SLOT": "0", "EAPI": "8", "IUSE": "", "BDEPEND": "dev-build/make", "DESCRIPTION": "x = y",
		},
		Eclasses: []Eclass{{"toolchain-funcs", "t1"}, {"autotools", "a1"}, {"multilib", "m1"}},
		MD5:      "abc",
	}
	want := "BDEPEND=dev-build/make\nDESCRIPTION=x = y\nEAPI=8\nSLOT=0\n" +
		"_eclasses_=autotools\ta1\tmultilib\tm1\ttoolchain-funcs\tt1\n_md5_=abc\n"
	var buf bytes.Buffer
	if err := Write(&buf, e); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if d := cmp.Diff(want, buf.String()); d != "" {
		t.Errorf("Write mismatch (-want +got):\n%s", d)
	}
	// The caller's eclass order is left alone.
	if e.Eclasses[0].Name != "toolchain-funcs" {
		t.Errorf("Write reordered the caller's slice: %v", e.Eclasses)
	}
	// Round trip: what we write parses back to the same entry (minus empties).
	back, err := Parse(&buf)
	if err != nil {
		t.Fatalf("Parse(Write): %v", err)
	}
	if d := Diff(e, back); d != nil {
		t.Errorf("round trip differs: %v", d)
	}
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		name string
		e    Entry
	}{
		{"newline in value", Entry{Keys: map[string]string{"DESCRIPTION": "a\nb"}}},
		{"equals in key", Entry{Keys: map[string]string{"A=B": "x"}}},
		{"reserved key", Entry{Keys: map[string]string{"_md5_": "x"}}},
		{"tab in eclass", Entry{Eclasses: []Eclass{{"a\tb", "x"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Write(&bytes.Buffer{}, tt.e); err == nil {
				t.Errorf("Write(%+v) succeeded, want error", tt.e)
			}
		})
	}
}

func TestFromMetadata(t *testing.T) {
	m := &ebuild.Metadata{
		Raw: map[string]string{
			"EAPI":      "8",
			"IUSE":      "  a\n\tb  ",
			"RESTRICT":  " \n ",
			"INHERITED": "x y",
		},
		Eclasses: []ebuild.Eclass{{Name: "y", MD5: "2", Path: "/e/y.eclass"}, {Name: "x", MD5: "1"}},
		MD5:      "m",
	}
	want := Entry{
		Keys:     map[string]string{"EAPI": "8", "IUSE": "a b"},
		Eclasses: []Eclass{{"y", "2"}, {"x", "1"}},
		MD5:      "m",
	}
	if d := cmp.Diff(want, FromMetadata(m)); d != "" {
		t.Errorf("FromMetadata mismatch (-want +got):\n%s", d)
	}
}

func TestDiff(t *testing.T) {
	base := Entry{
		Keys:     map[string]string{"EAPI": "8", "IUSE": "a b", "KEYWORDS": ""},
		Eclasses: []Eclass{{"x", "1"}, {"y", "2"}},
		MD5:      "m",
	}
	tests := []struct {
		name string
		got  Entry
		want []KeyDiff
	}{
		{
			name: "equal modulo whitespace, order and empties",
			got: Entry{
				Keys:     map[string]string{"EAPI": "8", "IUSE": " a \n b", "RESTRICT": " "},
				Eclasses: []Eclass{{"y", "2"}, {"x", "1"}},
				MD5:      "m",
			},
		},
		{
			name: "value differs",
			got:  Entry{Keys: map[string]string{"EAPI": "8", "IUSE": "a"}, Eclasses: base.Eclasses, MD5: "m"},
			want: []KeyDiff{{Key: "IUSE", Want: "a b", Got: "a"}},
		},
		{
			name: "missing and extra keys",
			got:  Entry{Keys: map[string]string{"IUSE": "a b", "SLOT": "0"}, Eclasses: base.Eclasses, MD5: "m"},
			want: []KeyDiff{{Key: "EAPI", Want: "8"}, {Key: "SLOT", Got: "0"}},
		},
		{
			name: "eclass md5 and ebuild md5 differ",
			got:  Entry{Keys: base.Keys, Eclasses: []Eclass{{"x", "1"}, {"y", "3"}}, MD5: "n"},
			want: []KeyDiff{
				{Key: "_eclasses_", Want: "x\t1 y\t2", Got: "x\t1 y\t3"},
				{Key: "_md5_", Want: "m", Got: "n"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, Diff(base, tt.got)); d != "" {
				t.Errorf("Diff mismatch (-want +got):\n%s", d)
			}
		})
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sys-libs", "zlib-1")
	e := Entry{Keys: map[string]string{"EAPI": "8", "SLOT": "0"}, MD5: "m"}
	if err := WriteFile(p, e); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	back, err := ReadFile(p)
	if err != nil {
		t.Fatalf("ReadFile: %v", err)
	}
	if d := cmp.Diff(e, back); d != "" {
		t.Errorf("read back (-want +got):\n%s", d)
	}
	// A failed write leaves the old entry and no temporary file behind.
	if err := WriteFile(p, Entry{Keys: map[string]string{"DESCRIPTION": "a\nb"}}); err == nil {
		t.Fatal("WriteFile with a newline succeeded")
	}
	names, err := os.ReadDir(filepath.Dir(p))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0].Name() != "zlib-1" {
		t.Errorf("directory holds %v, want only zlib-1", names)
	}
	if back2, err := ReadFile(p); err != nil || Diff(e, back2) != nil {
		t.Errorf("old entry damaged: %v %v", back2, err)
	}
	if _, err := ReadFile(filepath.Join(dir, "nothere")); err == nil {
		t.Error("ReadFile of a missing file succeeded")
	}
	// Entries are readable by all, like Portage's (less the umask).
	umask := syscall.Umask(0)
	syscall.Umask(umask)
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o644&^os.FileMode(umask) {
		t.Errorf("entry mode %v (%v), want %v", fi.Mode().Perm(), err, 0o644&^os.FileMode(umask))
	}
	// A directory removed after a first write is made again.
	if err := os.RemoveAll(filepath.Dir(p)); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, e); err != nil {
		t.Errorf("WriteFile after its directory was removed: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("EAPI=8\nSLOT=0\n_eclasses_=a\tb\n_md5_=x\n")
	f.Add("=\n")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(strings.NewReader(s))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, e); err != nil {
			return // e.g. a key Parse accepts but Write refuses
		}
		back, err := Parse(&buf)
		if err != nil {
			t.Fatalf("Parse(Write(e)) failed: %v\n%q", err, buf.String())
		}
		if d := Diff(e, back); d != nil {
			t.Fatalf("round trip differs: %v", d)
		}
	})
}
