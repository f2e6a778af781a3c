// Package mdcache reads and writes Portage's md5-cache entries (the
// "md5-dict" format of metadata/md5-cache/CATEGORY/PF) and compares them
// semantically.
//
// An entry is a list of KEY=VALUE lines. Portage writes the keys sorted,
// leaves empty values out, writes `_eclasses_` as name<TAB>md5 pairs sorted
// by eclass name and ends with `_md5_`, the md5 of the ebuild file.
package mdcache

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"buckos.dev/buckos/ebuild"
)

// Keys that carry the eclass list and the ebuild checksum.
const (
	KeyEclasses = "_eclasses_"
	KeyMD5      = "_md5_"
)

// Eclass is one name<TAB>md5 pair of `_eclasses_`.
type Eclass struct {
	Name string
	MD5  string
}

// Entry is one md5-cache entry.
type Entry struct {
	// Keys holds every KEY=VALUE line except _eclasses_ and _md5_.
	Keys map[string]string
	// Eclasses is `_eclasses_` in the order it was read (or given).
	Eclasses []Eclass
	// MD5 is `_md5_`.
	MD5 string
}

// Parse reads one entry. Lines without "=" and repeated keys are errors
// naming the line; a trailing newline is optional.
func Parse(r io.Reader) (Entry, error) {
	e := Entry{Keys: map[string]string{}}
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
	sc.Split(scanLF)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" {
			continue
		}
		key, value, ok := strings.Cut(text, "=")
		if !ok || key == "" {
			return Entry{}, fmt.Errorf("line %d: not a KEY=VALUE line: %q", line, truncate(text))
		}
		if seen[key] {
			return Entry{}, fmt.Errorf("line %d: key %s repeated", line, key)
		}
		seen[key] = true
		switch key {
		case KeyEclasses:
			ecl, err := parseEclasses(value)
			if err != nil {
				return Entry{}, fmt.Errorf("line %d: %w", line, err)
			}
			e.Eclasses = ecl
		case KeyMD5:
			e.MD5 = value
		default:
			e.Keys[key] = value
		}
	}
	if err := sc.Err(); err != nil {
		return Entry{}, fmt.Errorf("reading md5-cache entry: %w", err)
	}
	return e, nil
}

// scanLF splits at "\n" only: unlike bufio.ScanLines it keeps a "\r",
// which belongs to the value.
func scanLF(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

func parseEclasses(v string) ([]Eclass, error) {
	if v == "" {
		return nil, nil
	}
	f := strings.Split(v, "\t")
	if len(f)%2 != 0 {
		return nil, fmt.Errorf("%s has an odd number of tab-separated fields (%d)", KeyEclasses, len(f))
	}
	out := make([]Eclass, 0, len(f)/2)
	for i := 0; i < len(f); i += 2 {
		if f[i] == "" || f[i+1] == "" {
			return nil, fmt.Errorf("%s pair %d is empty", KeyEclasses, i/2+1)
		}
		out = append(out, Eclass{Name: f[i], MD5: f[i+1]})
	}
	return out, nil
}

// Write writes e as Portage does: keys sorted, empty values left out,
// `_eclasses_` sorted by eclass name, then `_md5_`. A key or value holding a
// newline, or a key holding "=", cannot be represented and is an error.
func Write(w io.Writer, e Entry) error {
	lines := make([]string, 0, len(e.Keys)+2)
	for k, v := range e.Keys {
		if k == "" || strings.ContainsAny(k, "=\n") || k == KeyEclasses || k == KeyMD5 {
			return fmt.Errorf("invalid md5-cache key %q", k)
		}
		if strings.Contains(v, "\n") {
			return fmt.Errorf("value of %s holds a newline", k)
		}
		if v == "" {
			continue
		}
		lines = append(lines, k+"="+v)
	}
	if len(e.Eclasses) > 0 {
		ecl := append([]Eclass(nil), e.Eclasses...)
		sort.SliceStable(ecl, func(i, j int) bool { return ecl[i].Name < ecl[j].Name })
		parts := make([]string, 0, 2*len(ecl))
		for _, c := range ecl {
			if c.Name == "" || c.MD5 == "" || strings.ContainsAny(c.Name+c.MD5, "\t\n") {
				return fmt.Errorf("invalid eclass pair %q %q", c.Name, c.MD5)
			}
			parts = append(parts, c.Name, c.MD5)
		}
		lines = append(lines, KeyEclasses+"="+strings.Join(parts, "\t"))
	}
	if e.MD5 != "" {
		if strings.Contains(e.MD5, "\n") {
			return fmt.Errorf("value of %s holds a newline", KeyMD5)
		}
		lines = append(lines, KeyMD5+"="+e.MD5)
	}
	// "_" sorts after the upper-case letters, so one sort gives Portage's order.
	sort.Strings(lines)
	bw := bufio.NewWriter(w)
	for _, l := range lines {
		bw.WriteString(l)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// FromMetadata turns evaluated metadata into the entry Portage would write:
// values whitespace-collapsed, empty values dropped.
func FromMetadata(m *ebuild.Metadata) Entry {
	e := Entry{Keys: make(map[string]string, len(m.Raw)), MD5: m.MD5}
	for k, v := range m.Raw {
		if k == KeyEclasses || k == KeyMD5 || k == "INHERITED" {
			continue
		}
		if v = collapse(v); v != "" {
			e.Keys[k] = v
		}
	}
	for _, c := range m.Eclasses {
		e.Eclasses = append(e.Eclasses, Eclass{Name: c.Name, MD5: c.MD5})
	}
	return e
}

// KeyDiff is one key on which two entries disagree. An absent key is "".
// For `_eclasses_` the values are the sorted name<TAB>md5 pairs joined by
// spaces.
type KeyDiff struct {
	Key  string
	Want string
	Got  string
}

// Diff compares two entries semantically: values are whitespace-normalised,
// an empty value is the same as an absent key, and `_eclasses_` is compared
// as a set of name/md5 pairs. The result is sorted by key; nil means equal.
func Diff(want, got Entry) []KeyDiff {
	var out []KeyDiff
	keys := map[string]bool{}
	for k := range want.Keys {
		keys[k] = true
	}
	for k := range got.Keys {
		keys[k] = true
	}
	for k := range keys {
		w, g := collapse(want.Keys[k]), collapse(got.Keys[k])
		if w != g {
			out = append(out, KeyDiff{Key: k, Want: w, Got: g})
		}
	}
	if w, g := eclassSet(want.Eclasses), eclassSet(got.Eclasses); w != g {
		out = append(out, KeyDiff{Key: KeyEclasses, Want: w, Got: g})
	}
	if w, g := strings.TrimSpace(want.MD5), strings.TrimSpace(got.MD5); w != g {
		out = append(out, KeyDiff{Key: KeyMD5, Want: w, Got: g})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// eclassSet renders the pairs as a canonical set: sorted, duplicates merged.
func eclassSet(ecl []Eclass) string {
	set := map[string]bool{}
	for _, c := range ecl {
		set[c.Name+"\t"+c.MD5] = true
	}
	pairs := make([]string, 0, len(set))
	for p := range set {
		pairs = append(pairs, p)
	}
	sort.Strings(pairs)
	return strings.Join(pairs, " ")
}

// collapse applies the word splitting of Portage's `echo ${VAR}`: runs of
// blanks and newlines become one space, leading and trailing ones go.
// Only bash's default IFS characters separate words; other Unicode spaces
// are kept.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' }), " ")
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
