// Package corpus checks the metadata evaluator against the Portage ground
// truth of the three corpus repositories in $BUCKOS_SHARED/corpus (see its
// README.md). The non-test code here loads a tree's ground truth, evaluates
// every ebuild in parallel and classifies the results; the tests and the
// benchmark decide what to require.
package corpus

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/mdcache"
	"buckos.dev/buckos/ebuild/repo"
	"buckos.dev/buckos/ebuild/source"
)

// Tree describes one corpus repository and how its ground truth is used.
type Tree struct {
	Name string // gentoo, guru or chromiumos
	Dir  string
	Open repo.OpenOptions
	// Compared reports whether a ground-truth entry takes part in the
	// comparison, and why not when it does not.
	Compared func(cpf string, truth mdcache.Entry) (bool, string)
	// MustFail lists ebuilds Portage cannot evaluate (CPF → Portage's
	// reason); we must fail them too.
	MustFail map[string]string
	// MustSucceed lists ebuilds without ground truth that we must evaluate
	// (CPF → why there is no entry).
	MustSucceed map[string]string
	// ByteExact says the ground truth was written by Portage itself, so
	// what mdcache.Write makes of a matching entry must equal the file
	// byte for byte (key order, _eclasses_ sorted by name, no empty keys).
	ByteExact bool
}

// Trees returns the three corpus trees under shared (the BUCKOS_SHARED
// directory). It fails if the corpus files it needs are missing.
func Trees(shared string) ([]Tree, error) {
	c := filepath.Join(shared, "corpus")
	gentoo, guru, cros := filepath.Join(c, "gentoo"), filepath.Join(c, "guru"), filepath.Join(c, "chromiumos")

	// gentoo: its NO-CACHE entries are EAPI 9 (Portage's bash is too old);
	// we must evaluate those, and fail any listed for another reason.
	gNoCache, err := readTSV(filepath.Join(gentoo, "NO-CACHE.txt"))
	if err != nil {
		return nil, err
	}
	gFail, gSucceed := map[string]string{}, map[string]string{}
	for cpf, why := range gNoCache {
		if strings.Contains(why, "EAPI 9") {
			gSucceed[cpf] = why
		} else {
			gFail[cpf] = why
		}
	}

	valid, err := readTSV(filepath.Join(guru, "VALID-GROUND-TRUTH.txt"))
	if err != nil {
		return nil, err
	}
	invalid, err := readTSV(filepath.Join(guru, "INVALID-GROUND-TRUTH.tsv"))
	if err != nil {
		return nil, err
	}

	cFail, err := readTSV(filepath.Join(cros, "NO-CACHE.txt"))
	if err != nil {
		return nil, err
	}

	return []Tree{
		{
			Name:        "gentoo",
			Dir:         gentoo,
			ByteExact:   true,
			Compared:    func(string, mdcache.Entry) (bool, string) { return true, "" },
			MustFail:    gFail,
			MustSucceed: gSucceed,
		},
		{
			Name: "guru",
			Dir:  guru,
			Open: repo.OpenOptions{Masters: []string{gentoo}},
			Compared: func(cpf string, _ mdcache.Entry) (bool, string) {
				if _, ok := valid[cpf]; ok {
					return true, ""
				}
				if why, ok := invalid[cpf]; ok {
					return false, "invalid ground truth: " + why
				}
				return false, "not in VALID-GROUND-TRUTH.txt"
			},
		},
		{
			Name: "chromiumos",
			Dir:  cros,
			Open: repo.OpenOptions{NoMasters: true},
			Compared: func(_ string, truth mdcache.Entry) (bool, string) {
				switch eapi := truth.Keys["EAPI"]; eapi {
				case "6", "7":
					return true, ""
				default:
					return false, "EAPI " + eapi + " ground truth is not compared"
				}
			},
			MustFail:  cFail,
			ByteExact: true,
		},
	}, nil
}

// readTSV reads "CPF[<TAB>reason]" lines into a map.
func readTSV(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("corpus data missing: %w", err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cpf, why, _ := strings.Cut(line, "\t")
		if !strings.Contains(cpf, "/") {
			return nil, fmt.Errorf("%s:%d: expected CATEGORY/PF, got %q", path, n, cpf)
		}
		out[cpf] = strings.TrimSpace(why)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// LoadTruth reads every entry of DIR/metadata/md5-cache, keyed by CPF.
func LoadTruth(dir string) (map[string]mdcache.Entry, error) {
	root := filepath.Join(dir, "metadata", "md5-cache")
	files, err := filepath.Glob(filepath.Join(root, "*", "*"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("corpus data missing: no md5-cache entries in %s", root)
	}
	out := make(map[string]mdcache.Entry, len(files))
	for _, f := range files {
		e, err := mdcache.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out[filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f)] = e
	}
	return out, nil
}

// Result is the evaluation of one ebuild.
type Result struct {
	Ref   ebuild.Ref
	Entry mdcache.Entry // valid when Err is nil
	Err   error
}

// Evaluate evaluates refs with jobs workers (one shared evaluator, so
// eclasses are parsed once) and returns the results in refs order.
func Evaluate(ctx context.Context, ev *source.Evaluator, refs []ebuild.Ref, jobs int) []Result {
	res := make([]Result, len(refs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < max(jobs, 1); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				res[i] = evaluateOne(ctx, ev, refs[i])
			}
		}()
	}
	for i := range refs {
		next <- i
	}
	close(next)
	wg.Wait()
	return res
}

func evaluateOne(ctx context.Context, ev *source.Evaluator, ref ebuild.Ref) (r Result) {
	r.Ref = ref
	defer func() {
		if p := recover(); p != nil {
			r.Err = fmt.Errorf("%s: evaluator panic: %v", ref.Path, p)
		}
	}()
	md, err := ev.Evaluate(ctx, ref)
	if err != nil {
		r.Err = err
		return r
	}
	r.Entry = mdcache.FromMetadata(md)
	return r
}

// Mismatch is one ebuild whose result is wrong: differing keys, or an
// error where an entry was expected (or the reverse).
type Mismatch struct {
	CPF   string
	Diffs []mdcache.KeyDiff
	Err   error  // our failure, when we failed
	Why   string // what was expected, when there are no Diffs
}

// Report classifies the results of one tree.
type Report struct {
	Tree string
	// Total counts the entries that decide the match rate: compared
	// ground truth, MustFail and MustSucceed ebuilds.
	Total   int
	Matched int
	// Compared counts ground-truth entries compared key by key.
	Compared   int
	Mismatches []Mismatch
	// KeyTotal and KeyMatched count, per key, the compared entries where
	// we produced metadata, and those where the key matched.
	KeyTotal   map[string]int
	KeyMatched map[string]int
	// NoTruth lists ebuilds we produced metadata for that have no ground
	// truth at all; NotCompared those whose ground truth is excluded
	// (CPF → reason). Neither counts as a match.
	NoTruth     []string
	NotCompared map[string]string
	// Failed lists every ebuild we failed outside MustFail (CPF → error).
	Failed map[string]error
	// MissingEbuild lists ground-truth entries with no ebuild in the tree.
	MissingEbuild []string
	BadNames      []error
	// ByteChecked counts matching entries compared byte for byte with the
	// ground-truth file (ByteExact trees); ByteMismatch lists those that
	// differ.
	ByteChecked  int
	ByteMismatch []string
	// OtherReason lists MustFail ebuilds that failed, but not because of
	// the eclass Portage could not find (e.g. an EAPI we do not support).
	OtherReason []string
}

// missingEclassRe matches Portage's reason in NO-CACHE.txt.
var missingEclassRe = regexp.MustCompile(`^(\S+)\.eclass could not be found`)

// sameReason reports whether err names the eclass Portage's reason names;
// reasons of another shape are not checked.
func sameReason(why string, err error) bool {
	m := missingEclassRe.FindStringSubmatch(why)
	return m == nil || strings.Contains(err.Error(), m[1])
}

// Rate is the share of Total that matched.
func (r *Report) Rate() float64 {
	if r.Total == 0 {
		return 0
	}
	return float64(r.Matched) / float64(r.Total)
}

// metadataKeys are the keys every compared entry is counted against.
var metadataKeys = []string{
	"BDEPEND", "DEFINED_PHASES", "DEPEND", "DESCRIPTION", "EAPI", "HOMEPAGE", "IDEPEND", "INHERIT",
	"IUSE", "KEYWORDS", "LICENSE", "PDEPEND", "PROPERTIES", "RDEPEND", "REQUIRED_USE", "RESTRICT",
	"SLOT", "SRC_URI", mdcache.KeyEclasses, mdcache.KeyMD5,
}

// Classify compares results with the ground truth under the tree's rules.
func Classify(t Tree, results []Result, truth map[string]mdcache.Entry) *Report {
	rep := &Report{
		Tree: t.Name, KeyTotal: map[string]int{}, KeyMatched: map[string]int{},
		NotCompared: map[string]string{}, Failed: map[string]error{},
	}
	seen := map[string]bool{}
	for _, res := range results {
		cpf := res.Ref.CPF()
		seen[cpf] = true
		if res.Err != nil {
			if _, ok := t.MustFail[cpf]; !ok {
				rep.Failed[cpf] = res.Err
			}
		}
		if why, ok := t.MustFail[cpf]; ok {
			rep.Total++
			if res.Err != nil {
				rep.Matched++
				if !sameReason(why, res.Err) {
					rep.OtherReason = append(rep.OtherReason, cpf)
				}
			} else {
				rep.Mismatches = append(rep.Mismatches, Mismatch{CPF: cpf, Why: "must fail like Portage (" + why + ") but succeeded"})
			}
			continue
		}
		want, hasTruth := truth[cpf]
		if !hasTruth {
			if why, ok := t.MustSucceed[cpf]; ok {
				rep.Total++
				if res.Err == nil {
					rep.Matched++
				} else {
					rep.Mismatches = append(rep.Mismatches, Mismatch{CPF: cpf, Err: res.Err, Why: "must succeed (Portage: " + why + ")"})
				}
			}
			if res.Err == nil {
				rep.NoTruth = append(rep.NoTruth, cpf)
			}
			continue
		}
		if ok, why := t.Compared(cpf, want); !ok {
			rep.NotCompared[cpf] = why
			continue
		}
		rep.Total++
		rep.Compared++
		if res.Err != nil {
			rep.Mismatches = append(rep.Mismatches, Mismatch{CPF: cpf, Err: res.Err, Why: "has ground truth but failed"})
			continue
		}
		diffs := mdcache.Diff(want, res.Entry)
		bad := map[string]bool{}
		for _, d := range diffs {
			bad[d.Key] = true
		}
		keys := map[string]bool{}
		for _, k := range metadataKeys {
			keys[k] = true
		}
		for k := range bad {
			keys[k] = true
		}
		for k := range keys {
			rep.KeyTotal[k]++
			if !bad[k] {
				rep.KeyMatched[k]++
			}
		}
		if len(diffs) == 0 {
			rep.Matched++
		} else {
			rep.Mismatches = append(rep.Mismatches, Mismatch{CPF: cpf, Diffs: diffs})
		}
	}
	for cpf := range truth {
		if !seen[cpf] {
			rep.MissingEbuild = append(rep.MissingEbuild, cpf)
		}
	}
	sort.Strings(rep.NoTruth)
	sort.Strings(rep.OtherReason)
	sort.Strings(rep.MissingEbuild)
	sort.Slice(rep.Mismatches, func(i, j int) bool {
		a, b := rep.Mismatches[i], rep.Mismatches[j]
		if len(a.Diffs) != len(b.Diffs) {
			return len(a.Diffs) > len(b.Diffs)
		}
		return a.CPF < b.CPF
	})
	return rep
}

// locRe strips "FILE:LINE: " prefixes so equal failures group together.
var locRe = regexp.MustCompile(`^(\S+?:(\d+:)?\s)+`)

// Write prints the report: rates per tree and per key, the worst
// offenders, the most common failure reasons and what was not compared.
func (r *Report) Write(w io.Writer, worst int) {
	fmt.Fprintf(w, "%s: %d/%d entries fully match (%.2f%%); %d ground-truth entries compared, %d mismatches\n",
		r.Tree, r.Matched, r.Total, 100*r.Rate(), r.Compared, len(r.Mismatches))
	keys := make([]string, 0, len(r.KeyTotal))
	for k := range r.KeyTotal {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  key %-15s %5d/%-5d %.2f%%\n", k, r.KeyMatched[k], r.KeyTotal[k], 100*float64(r.KeyMatched[k])/float64(r.KeyTotal[k]))
	}
	if len(r.Mismatches) > 0 {
		fmt.Fprintf(w, "  worst %d offenders:\n", min(worst, len(r.Mismatches)))
	}
	for _, m := range r.Mismatches[:min(worst, len(r.Mismatches))] {
		switch {
		case len(m.Diffs) > 0:
			fmt.Fprintf(w, "    %s: %d keys differ\n", m.CPF, len(m.Diffs))
			for _, d := range m.Diffs {
				want, got, at := diffWindow(d.Want, d.Got)
				fmt.Fprintf(w, "      %s (first difference at word %d)\n        want %q\n        got  %q\n", d.Key, at+1, want, got)
			}
		case m.Err != nil:
			fmt.Fprintf(w, "    %s: %s: %v\n", m.CPF, m.Why, m.Err)
		default:
			fmt.Fprintf(w, "    %s: %s\n", m.CPF, m.Why)
		}
	}
	reasons := map[string]int{}
	for _, err := range r.Failed {
		reasons[locRe.ReplaceAllString(firstLine(err.Error()), "")]++
	}
	type rc struct {
		msg string
		n   int
	}
	var rs []rc
	for m, n := range reasons {
		rs = append(rs, rc{m, n})
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].n != rs[j].n {
			return rs[i].n > rs[j].n
		}
		return rs[i].msg < rs[j].msg
	})
	if len(rs) > 0 {
		fmt.Fprintf(w, "  %d ebuilds failed (outside the expected failures); top reasons:\n", len(r.Failed))
	}
	for _, x := range rs[:min(worst, len(rs))] {
		fmt.Fprintf(w, "    %5d  %s\n", x.n, clip(x.msg))
	}
	if len(r.NoTruth) > 0 {
		fmt.Fprintf(w, "  %d ebuilds evaluated without ground truth (not counted as matches): %s\n", len(r.NoTruth), strings.Join(r.NoTruth, " "))
	}
	if len(r.NotCompared) > 0 {
		why := map[string]int{}
		for _, y := range r.NotCompared {
			why[strings.SplitN(y, ":", 2)[0]]++
		}
		fmt.Fprintf(w, "  %d ground-truth entries not compared:", len(r.NotCompared))
		for _, y := range sortedKeys(why) {
			fmt.Fprintf(w, " %s (%d);", y, why[y])
		}
		fmt.Fprintln(w)
	}
	if r.ByteChecked > 0 {
		fmt.Fprintf(w, "  %d/%d matching entries are byte-identical to Portage's files\n", r.ByteChecked-len(r.ByteMismatch), r.ByteChecked)
	}
	if len(r.OtherReason) > 0 {
		fmt.Fprintf(w, "  %d expected failures failed for another reason than Portage's (first: %s)\n", len(r.OtherReason), r.OtherReason[0])
	}
	if len(r.MissingEbuild) > 0 {
		fmt.Fprintf(w, "  %d ground-truth entries have no ebuild: %s\n", len(r.MissingEbuild), strings.Join(r.MissingEbuild, " "))
	}
	for _, b := range r.BadNames {
		fmt.Fprintf(w, "  bad name: %v\n", b)
	}
}

// RunTree opens a tree, evaluates all of its ebuilds and classifies them.
func RunTree(ctx context.Context, t Tree, jobs int) (*Report, error) {
	truth, err := LoadTruth(t.Dir)
	if err != nil {
		return nil, err
	}
	r, err := repo.Open(t.Dir, t.Open)
	if err != nil {
		return nil, err
	}
	refs, bad, err := r.Scan()
	if err != nil {
		return nil, err
	}
	ev := source.New(source.Options{EclassDirs: r.EclassDirs()})
	results := Evaluate(ctx, ev, refs, jobs)
	rep := Classify(t, results, truth)
	rep.BadNames = bad
	if t.ByteExact {
		if err := checkBytes(t, rep, results, truth); err != nil {
			return nil, err
		}
	}
	return rep, ctx.Err()
}

// checkBytes writes every fully matching entry with mdcache.Write and
// compares it with the ground-truth file.
func checkBytes(t Tree, rep *Report, results []Result, truth map[string]mdcache.Entry) error {
	for _, res := range results {
		cpf := res.Ref.CPF()
		want, ok := truth[cpf]
		if res.Err != nil || !ok {
			continue
		}
		if c, _ := t.Compared(cpf, want); !c || mdcache.Diff(want, res.Entry) != nil {
			continue
		}
		file, err := os.ReadFile(filepath.Join(t.Dir, "metadata", "md5-cache", cpf))
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := mdcache.Write(&buf, res.Entry); err != nil {
			return fmt.Errorf("%s: %w", cpf, err)
		}
		rep.ByteChecked++
		if !bytes.Equal(file, buf.Bytes()) {
			rep.ByteMismatch = append(rep.ByteMismatch, cpf)
		}
	}
	sort.Strings(rep.ByteMismatch)
	return nil
}

// diffWindow shortens two long values to a few words around their first
// difference, so the report shows what differs. at is that word's index.
func diffWindow(want, got string) (string, string, int) {
	ws, gs := strings.Fields(want), strings.Fields(got)
	at := 0
	for at < len(ws) && at < len(gs) && ws[at] == gs[at] {
		at++
	}
	window := func(words []string) string {
		lo, hi := max(at-2, 0), min(at+4, len(words))
		out := strings.Join(words[lo:hi], " ")
		if lo > 0 {
			out = "... " + out
		}
		if hi < len(words) {
			out += fmt.Sprintf(" ... (%d words)", len(words))
		}
		return clip(out)
	}
	if len(want) <= 200 && len(got) <= 200 {
		return want, got, at
	}
	return window(ws), window(gs), at
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
