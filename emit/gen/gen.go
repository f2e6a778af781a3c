// Package gen turns the evaluated ebuilds of one package into the BUCK file
// described by docs/GENERATED_BUCK.md, as a buildtools AST, and prints it.
package gen

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bazelbuild/buildtools/build"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/depspec"
	"buckos.dev/buckos/ebuild/repo"
	"buckos.dev/buckos/ebuild/version"
	"buckos.dev/buckos/eclass"
	"buckos.dev/buckos/emit/cells"
	"buckos.dev/buckos/emit/resolve"
)

// Input is everything known about one CAT/PN.
type Input struct {
	Repo     string             // repository name, for the header
	Versions []*ebuild.Metadata // every ebuild of the package (any order)
	Manifest map[string]repo.Dist
	// Mirrors returns the URLs of a thirdpartymirrors entry (repo.Repo.Mirror).
	Mirrors func(name string) []string
	// Index knows every package in play, this one included (with its
	// masked flags); it also holds the layout.
	Index *resolve.Index
	// Files lists the package's files/ directory (paths below it,
	// slash-separated); nil when unknown. A patch that PATCHES names but
	// files/ lacks would be a missing source for Buck2: the version gets an
	// unbuildable reason instead (Portage fails in src_prepare).
	Files []string
}

// VersionReport says how one ebuild was translated.
type VersionReport struct {
	PVR         string
	Language    eclass.Language
	Why         string // why this language
	Macro       string
	Declarative bool          // no function kept verbatim
	Notes       []eclass.Note // per function: declarative or verbatim, and why
}

// Report is what the sync report needs about one package.
type Report struct {
	Package    string // CAT/PN
	Place      cells.Place
	Default    string // default PVR, "" when none qualifies
	Versions   []VersionReport
	Unresolved []resolve.Unresolved
	Problems   []string // not fatal: missing Manifest entries, unknown mirrors, skipped ebuilds
}

// IndexPackage describes the ebuilds of one package for resolve.NewIndex.
// masked says whether profiles/package.mask masks an ebuild (nil: none is).
func IndexPackage(versions []*ebuild.Metadata, masked func(*ebuild.Metadata) bool) resolve.Package {
	var p resolve.Package
	for _, m := range versions {
		if p.Key == "" {
			p.Key = m.Ref.Category + "/" + m.Ref.PN
		}
		slot, sub := splitSlot(m.Raw["SLOT"])
		p.Versions = append(p.Versions, resolve.Version{
			PVR: m.Ref.PVR, Slot: slot, SubSlot: sub,
			Keywords:   strings.Fields(m.Raw["KEYWORDS"]),
			Masked:     masked != nil && masked(m),
			Properties: strings.Fields(m.Raw["PROPERTIES"]),
		})
	}
	return p
}

func splitSlot(s string) (slot, sub string) {
	slot, sub, _ = strings.Cut(s, "/")
	if slot == "" {
		slot = "0"
	}
	return slot, sub
}

// Package builds the BUCK file of one package: download_source targets,
// one target per ebuild (PN-PVR), slot aliases, and multi_version_package.
// An ebuild whose metadata does not parse is left out and reported in
// Problems; an error means the input itself is unusable.
func Package(in Input) (*build.File, *Report, error) {
	if len(in.Versions) == 0 {
		return nil, nil, fmt.Errorf("gen: no ebuilds")
	}
	if in.Index == nil {
		return nil, nil, fmt.Errorf("gen: no index")
	}
	first := in.Versions[0].Ref
	key := first.Category + "/" + first.PN
	indexed, place, ok := in.Index.Lookup(key)
	if !ok {
		return nil, nil, fmt.Errorf("gen: %s is not in the index", key)
	}
	masked := map[string]bool{}
	for _, v := range indexed.Versions {
		masked[v.PVR] = v.Masked
	}
	metas := slices.Clone(in.Versions)
	slices.SortStableFunc(metas, func(a, b *ebuild.Metadata) int { return comparePVR(a.Ref.PVR, b.Ref.PVR) })

	rep := &Report{Package: key, Place: place}
	g := &generator{in: in, rep: rep, dists: map[string]*distfile{}, reserved: map[string]bool{place.Name: true}}
	for _, m := range metas {
		slot, _ := splitSlot(m.Raw["SLOT"])
		g.reserved[m.Ref.PN+"-"+m.Ref.PVR] = true
		g.reserved[slot] = true
	}
	var targets []build.Expr
	var kept []resolve.Version
	for _, m := range metas {
		if m.Ref.Category+"/"+m.Ref.PN != key {
			return nil, nil, fmt.Errorf("gen: %s: ebuild of another package in the input of %s", m.Ref.CPF(), key)
		}
		t, vr, err := g.version(m, masked[m.Ref.PVR])
		if err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: left out: %v", m.Ref.CPF(), err))
			continue
		}
		targets = append(targets, t)
		rep.Versions = append(rep.Versions, vr)
		slot, sub := splitSlot(m.Raw["SLOT"])
		kept = append(kept, resolve.Version{PVR: m.Ref.PVR, Slot: slot, SubSlot: sub,
			Keywords: strings.Fields(m.Raw["KEYWORDS"]), Masked: masked[m.Ref.PVR],
			Properties: strings.Fields(m.Raw["PROPERTIES"])})
	}
	if len(targets) == 0 {
		return nil, rep, fmt.Errorf("gen: %s: no ebuild could be translated: %s", key, strings.Join(rep.Problems, "; "))
	}
	rep.Default, _ = resolve.DefaultVersion(kept)

	var stmts []build.Expr
	for _, name := range sortedKeys(g.dists) {
		stmts = append(stmts, g.downloadSource(name))
	}
	stmts = append(stmts, targets...)
	stmts = append(stmts, slotAliases(place.Name, kept, rep)...)
	stmts = append(stmts, multiVersion(place.Name, kept, rep.Default))

	f := &build.File{Path: place.Path() + "/BUCK", Type: build.TypeBuild}
	f.Stmt = append(loads(stmts), stmts...)
	header := []build.Comment{
		{Token: fmt.Sprintf("# @generated by ebuild2buck from %s %s. Do not edit by hand:", in.Repo, key)},
		{Token: `# mark a line "# keep" or put changes in fixups.bzl beside this file (docs/SYNC.md).`},
		{Token: ""},
	}
	c := f.Stmt[0].Comment()
	c.Before = append(header, c.Before...)
	return f, rep, nil
}

// Print renders a generated file as a BUCK file: buildifier's BUILD
// formatting with no rewrites (labels such as "//pkg:pkg" stay as they are,
// lists keep their order), so the same input always gives the same bytes.
//
// Dependency-item calls (use_if, any_of, blocker, use_req, slot_op,
// version_dep, unresolved) print on one line wherever they are, so a file parsed back
// (emit/merge) prints exactly as generated; Print marks them in place.
func Print(f *build.File) []byte {
	for _, st := range f.Stmt {
		eachCall(st, func(c *build.CallExpr) {
			if id, ok := c.X.(*build.Ident); ok && itemCalls[id.Name] {
				c.ForceCompact = true
			}
		})
	}
	g := *f
	g.Type = build.TypeBuild
	return build.FormatWithoutRewriting(&g)
}

var itemCalls = map[string]bool{"use_if": true, "any_of": true, "blocker": true, "use_req": true, "slot_op": true, "version_dep": true, "unresolved": true}

func comparePVR(a, b string) int {
	va, ea := version.Parse(a)
	vb, eb := version.Parse(b)
	if ea != nil || eb != nil {
		return strings.Compare(a, b)
	}
	return cmp.Or(version.Compare(va, vb), strings.Compare(a, b))
}

type distfile struct {
	uris     []string // expanded, first-seen order
	restrict map[string]bool
}

type generator struct {
	in    Input
	rep   *Report
	dists map[string]*distfile
	// reserved are the other target names of the file (PN, PN-PVR, slots),
	// which a distfile target must not take.
	reserved map[string]bool
}

// version builds the target of one ebuild.
func (g *generator) version(m *ebuild.Metadata, masked bool) (build.Expr, VersionReport, error) {
	r := m.Ref
	raw := m.Raw
	plan := eclass.Analyze(m)
	vr := VersionReport{PVR: r.PVR, Language: plan.Language, Why: plan.Why, Macro: plan.Macro,
		Declarative: plan.Declarative(), Notes: plan.Notes}

	restrict, err := condList("RESTRICT", raw["RESTRICT"])
	if err != nil {
		return nil, vr, err
	}
	properties, err := condList("PROPERTIES", raw["PROPERTIES"])
	if err != nil {
		return nil, vr, err
	}
	uris, err := depspec.ParseSrcURI(raw["SRC_URI"], raw["EAPI"])
	if err != nil {
		return nil, vr, err
	}
	rtoks := strings.Fields(raw["RESTRICT"])
	srcs := g.sources(r, uris.Children, slices.Contains(rtoks, "fetch"), slices.Contains(rtoks, "mirror") || slices.Contains(rtoks, "fetch"))

	ctx := resolve.Context{Package: r.CPF(), EAPI: raw["EAPI"]}
	deps := map[string][]build.Expr{}
	var unresolved []resolve.Unresolved
	for _, k := range []string{"DEPEND", "BDEPEND", "RDEPEND", "PDEPEND", "IDEPEND"} {
		ctx.Key = k
		items, u, err := g.in.Index.Depend(ctx, raw[k])
		if err != nil {
			return nil, vr, err
		}
		deps[k] = items
		unresolved = append(unresolved, u...)
	}
	g.rep.Unresolved = append(g.rep.Unresolved, unresolved...)

	slot, sub := splitSlot(raw["SLOT"])
	a := attrs{}
	a.str("name", r.PN+"-"+r.PVR)
	a.str("package", r.Category+"/"+r.PN)
	a.str("version", r.PVR)
	a.str("slot", slot)
	a.optStr("subslot", sub)
	a.str("eapi", raw["EAPI"])
	a.optStr("description", raw["DESCRIPTION"])
	a.list("homepage", strs(strings.Fields(raw["HOMEPAGE"])))
	a.optStr("license", raw["LICENSE"])
	a.list("keywords", strs(strings.Fields(raw["KEYWORDS"])))
	a.add("masked", ident(masked))
	a.list("iuse", strs(strings.Fields(raw["IUSE"])))
	a.optStr("required_use", raw["REQUIRED_USE"])
	a.list("restrict", restrict)
	a.list("properties", properties)
	a.list("srcs", srcs)
	a.list("depend", deps["DEPEND"])
	a.list("bdepend", deps["BDEPEND"])
	a.list("rdepend", deps["RDEPEND"])
	a.list("pdepend", deps["PDEPEND"])
	a.list("idepend", deps["IDEPEND"])
	patches, missing := g.presentPatches(plan.Patches)
	a.list("patches", strs(patches))
	if needsFilesDir(plan.Phases) {
		a.add("files", &build.CallExpr{X: ident2("glob"), List: []build.Expr{&build.ListExpr{List: strs([]string{"files/**"})}}})
	}
	if plan.ArgsAttr != "" {
		a.list(plan.ArgsAttr, args(plan.Args))
	}
	a.list("docs", strs(plan.Docs))
	if len(plan.Phases) > 0 {
		d := &build.DictExpr{ForceMultiLine: true}
		for _, name := range sortedKeys(plan.Phases) {
			d.List = append(d.List, &build.KeyValueExpr{Key: str(name), Value: str(plan.Phases[name])})
		}
		a.add("phases", d)
	}
	a.list("eclasses", strs(strings.Fields(raw["INHERIT"])))
	if len(plan.Env) > 0 {
		d := &build.DictExpr{ForceMultiLine: len(plan.Env) > 1}
		for _, k := range sortedKeys(plan.Env) {
			d.List = append(d.List, &build.KeyValueExpr{Key: str(k), Value: str(plan.Env[k])})
		}
		a.add("env", d)
	}
	var reasons []string
	for _, p := range missing {
		reason := fmt.Sprintf("PATCHES names %s, which the repository's files/ does not have; fix the ebuild or add the patch with a fixup (docs/SYNC.md)", p)
		reasons = append(reasons, reason)
		g.rep.Problems = append(g.rep.Problems, r.CPF()+": "+reason)
	}
	a.list("unbuildable_reasons", strs(reasons))
	keywords := strings.Fields(raw["KEYWORDS"])
	labels := append([]string{"buckos:generated"}, platformLabels(keywords)...)
	a.list("labels", strs(append(labels, "status:"+resolve.Status(keywords))))
	a.list("visibility", strs([]string{"PUBLIC"}))
	return &build.CallExpr{X: ident2(plan.Macro), List: a, ForceMultiLine: true}, vr, nil
}

// presentPatches splits the patches of a plan into those files/ has and
// those it lacks; with Files unknown every patch counts as present.
func (g *generator) presentPatches(patches []string) (present, missing []string) {
	if g.in.Files == nil {
		return patches, nil
	}
	for _, p := range patches {
		rel, inFiles := strings.CutPrefix(p, "files/")
		if inFiles && !slices.Contains(g.in.Files, rel) {
			missing = append(missing, p)
			continue
		}
		present = append(present, p)
	}
	return present, missing
}

// sources registers the distfiles of one ebuild and returns its srcs items.
func (g *generator) sources(r ebuild.Ref, nodes []*depspec.Node, fetchRestricted, mirrorRestricted bool) []build.Expr {
	var out []build.Expr
	for _, n := range nodes {
		switch n.Kind {
		case depspec.AllOf:
			out = append(out, g.sources(r, n.Children, fetchRestricted, mirrorRestricted)...)
			continue
		case depspec.UseCond:
			inner := g.sources(r, n.Children, fetchRestricted, mirrorRestricted)
			flag := n.Flag
			if n.Negated {
				flag = "!" + flag
			}
			out = append(out, callC("use_if", str(flag), &build.ListExpr{List: inner}))
			continue
		}
		u := n.URI
		if u == nil {
			continue // depspec allows nothing else in SRC_URI
		}
		d := g.dists[u.Filename]
		if d == nil {
			d = &distfile{restrict: map[string]bool{}}
			g.dists[u.Filename] = d
		}
		if u.URL != "" {
			expanded, ok := expandMirror(u, g.in.Mirrors)
			if !ok {
				g.rep.Problems = append(g.rep.Problems, fmt.Sprintf("%s: SRC_URI %s: unknown third-party mirror", r.CPF(), u.URL))
			}
			for _, x := range expanded {
				if !slices.Contains(d.uris, x) {
					d.uris = append(d.uris, x)
				}
			}
		}
		// PMS 8.2.1: fetch+ lifts the fetch restriction, mirror+ both. A
		// bare file name cannot be fetched at all.
		if (fetchRestricted && u.Restrict == "") || u.URL == "" {
			d.restrict["fetch"] = true
		}
		if mirrorRestricted && u.Restrict != "mirror+" {
			d.restrict["mirror"] = true
		}
		item := ":" + g.distTarget(u.Filename)
		if !slices.ContainsFunc(out, func(x build.Expr) bool { s, ok := x.(*build.StringExpr); return ok && s.Value == item }) {
			out = append(out, str(item))
		}
	}
	return out
}

func (g *generator) downloadSource(name string) build.Expr {
	d := g.dists[name]
	a := attrs{}
	a.str("name", g.distTarget(name))
	if g.distTarget(name) != name {
		a.str("filename", name)
	}
	a.list("src_uri", strs(d.uris))
	dist, ok := g.in.Manifest[name]
	if !ok {
		g.rep.Problems = append(g.rep.Problems, fmt.Sprintf("%s: distfile %s is not in the Manifest", g.rep.Package, name))
	} else {
		a.add("size", &build.LiteralExpr{Token: strconv.FormatInt(dist.Size, 10)})
		for _, h := range []string{"BLAKE2B", "SHA512", "SHA256"} {
			if v, ok := dist.Hashes[h]; ok {
				a.str(strings.ToLower(h), v)
			}
		}
	}
	var restrict []string
	for _, r := range []string{"fetch", "mirror"} {
		if d.restrict[r] {
			restrict = append(restrict, r)
		}
	}
	a.list("restrict", strs(restrict))
	return &build.CallExpr{X: ident2("download_source"), List: a, ForceMultiLine: true}
}

// platformLabels turns KEYWORDS into the seed's platform labels: a plain
// arch keyword (amd64, ~arm64) means Linux, ARCH-macos macOS, ARCH-fbsd and
// friends BSD, ARCH-winnt/-cygwin Windows. Keywords of other platforms
// (solaris, ...) add nothing; no keyword at all means Linux.
func platformLabels(keywords []string) []string {
	on := map[string]bool{}
	for _, kw := range keywords {
		kw = strings.TrimLeft(kw, "~-")
		_, plat, found := strings.Cut(kw, "-")
		switch {
		case kw == "*":
		case !found:
			on["linux"] = true
		case plat == "linux":
			on["linux"] = true
		case plat == "macos":
			on["macos"] = true
		case plat == "fbsd" || plat == "freebsd" || plat == "netbsd" || plat == "openbsd":
			on["bsd"] = true
		case plat == "winnt" || plat == "cygwin":
			on["windows"] = true
		}
	}
	if len(keywords) == 0 {
		on["linux"] = true
	}
	var out []string
	for _, p := range []string{"bsd", "linux", "macos", "windows"} {
		if on[p] {
			out = append(out, "platform:"+p)
		}
	}
	return out
}

// needsFilesDir reports verbatim phases that read ${FILESDIR}: the
// package then stages its files/ directory (files = glob(["files/**"])).
func needsFilesDir(phases map[string]string) bool {
	for _, src := range phases {
		if strings.Contains(src, "FILESDIR") {
			return true
		}
	}
	return false
}

// distTarget names the download_source target of a distfile like
// distTargetName, prefixed with "distfile-" when that is the name of
// another target of the file (a SRC_URI renamed to "${P}" is PN-PVR).
func (g *generator) distTarget(filename string) string {
	name := distTargetName(filename)
	if g.reserved[name] {
		return "distfile-" + name
	}
	return name
}

// distTargetName is the file name itself when Buck2 accepts it as a target
// name, else the name with every other byte replaced by '_' and 8 hex
// digits of its SHA-256 appended (so two such names never collide);
// filename = then keeps the real name.
func distTargetName(filename string) string {
	ok := true
	b := []byte(filename)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(",.=-~@!+$_", c) >= 0) {
			b[i] = '_'
			ok = false
		}
	}
	if ok {
		return filename
	}
	sum := sha256.Sum256([]byte(filename))
	return string(b) + "-" + hex.EncodeToString(sum[:4])
}

// slotAliases names each slot after the version its label builds: chosen
// like the default version, among the versions of that slot.
func slotAliases(pn string, versions []resolve.Version, rep *Report) []build.Expr {
	bySlot := map[string][]resolve.Version{}
	for _, v := range versions {
		bySlot[v.Slot] = append(bySlot[v.Slot], v)
	}
	var out []build.Expr
	for _, slot := range sortedKeys(bySlot) {
		pvr, ok := resolve.DefaultVersion(bySlot[slot])
		if !ok {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: slot %s has no version that may be a default: no slot alias", rep.Package, slot))
			continue
		}
		if slot == pn || slices.ContainsFunc(versions, func(v resolve.Version) bool { return pn+"-"+v.PVR == slot }) {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: slot %s collides with a target name: no slot alias", rep.Package, slot))
			continue
		}
		a := attrs{}
		a.str("name", slot)
		a.str("actual", ":"+pn+"-"+pvr)
		a.list("visibility", strs([]string{"PUBLIC"}))
		out = append(out, &build.CallExpr{X: ident2("alias"), List: a, ForceMultiLine: true})
	}
	return out
}

func multiVersion(pn string, versions []resolve.Version, def string) build.Expr {
	d := &build.DictExpr{ForceMultiLine: true}
	for _, v := range versions {
		entry := &build.DictExpr{}
		kv := func(k string, v build.Expr) {
			entry.List = append(entry.List, &build.KeyValueExpr{Key: str(k), Value: v})
		}
		kv("slot", str(v.Slot))
		if v.SubSlot != "" {
			kv("subslot", str(v.SubSlot))
		}
		kv("status", str(v.Status()))
		if v.Masked {
			kv("masked", ident(true))
		}
		kv("target", str(":"+pn+"-"+v.PVR))
		d.List = append(d.List, &build.KeyValueExpr{Key: str(v.PVR), Value: entry})
	}
	a := attrs{}
	a.str("name", pn)
	a.add("versions", d)
	a.optStr("default_version", def)
	return &build.CallExpr{X: ident2("multi_version_package"), List: a, ForceMultiLine: true}
}

// loads lists the symbols the statements call, grouped by the .bzl file
// that defines them (docs/GENERATED_BUCK.md).
func loads(stmts []build.Expr) []build.Expr {
	used := map[string]bool{}
	for _, s := range stmts {
		eachCall(s, func(c *build.CallExpr) {
			if id, ok := c.X.(*build.Ident); ok {
				used[id.Name] = true
			}
		})
	}
	var out []build.Expr
	for _, file := range []string{"@root//defs:package_defs.bzl", "@root//defs:use_flags.bzl", "@root//defs:versions.bzl"} {
		var syms []string
		for name := range used {
			if defsFile(name) == file {
				syms = append(syms, name)
			}
		}
		if len(syms) == 0 {
			continue
		}
		slices.Sort(syms)
		l := &build.LoadStmt{Module: str(file), ForceCompact: true}
		for _, s := range syms {
			l.From = append(l.From, &build.Ident{Name: s})
			l.To = append(l.To, &build.Ident{Name: s})
		}
		out = append(out, l)
	}
	return out
}

func defsFile(name string) string {
	switch name {
	case "any_of", "blocker", "use_if", "use_req", "slot_op", "unresolved":
		return "@root//defs:use_flags.bzl"
	case "multi_version_package", "version_dep":
		return "@root//defs:versions.bzl"
	case "alias", "glob":
		return "" // Buck2 builtins
	}
	return "@root//defs:package_defs.bzl"
}

// eachCall calls fn for every call in x, outermost first, looking through
// the expression kinds a BUCK file holds (calls, keyword arguments, lists,
// dicts). It is a cheaper build.Walk for hot paths.
func eachCall(x build.Expr, fn func(*build.CallExpr)) {
	switch x := x.(type) {
	case *build.CallExpr:
		fn(x)
		for _, a := range x.List {
			eachCall(a, fn)
		}
	case *build.AssignExpr:
		eachCall(x.RHS, fn)
	case *build.ListExpr:
		for _, e := range x.List {
			eachCall(e, fn)
		}
	case *build.DictExpr:
		for _, kv := range x.List {
			eachCall(kv.Value, fn)
		}
	case *build.TupleExpr:
		for _, e := range x.List {
			eachCall(e, fn)
		}
	case *build.BinaryExpr:
		eachCall(x.X, fn)
		eachCall(x.Y, fn)
	case *build.ParenExpr:
		eachCall(x.X, fn)
	}
}

// condList turns RESTRICT or PROPERTIES (tokens and flag? ( ) groups)
// into strings and use_if items.
func condList(key, value string) ([]build.Expr, error) {
	root, err := depspec.Parse(key, value, "")
	if err != nil {
		return nil, err
	}
	var items func(nodes []*depspec.Node) []build.Expr
	items = func(nodes []*depspec.Node) []build.Expr {
		var out []build.Expr
		for _, n := range nodes {
			switch n.Kind {
			case depspec.Leaf:
				out = append(out, str(n.Leaf))
			case depspec.UseCond:
				flag := n.Flag
				if n.Negated {
					flag = "!" + flag
				}
				out = append(out, callC("use_if", str(flag), &build.ListExpr{List: items(n.Children)}))
			default:
				out = append(out, items(n.Children)...)
			}
		}
		return out
	}
	return items(root.Children), nil
}

// args turns eclass arguments into strings and use_if items.
func args(in []eclass.Arg) []build.Expr {
	var out []build.Expr
	for _, a := range in {
		if a.Flag == "" {
			out = append(out, str(a.Lit))
			continue
		}
		c := callC("use_if", str(a.Flag), &build.ListExpr{List: strs(a.Then)})
		if len(a.Else) > 0 {
			c.List = append(c.List, &build.ListExpr{List: strs(a.Else)})
		}
		out = append(out, c)
	}
	return out
}

// attrs collects keyword arguments in the contract's order.
type attrs []build.Expr

func (a *attrs) add(name string, v build.Expr) {
	*a = append(*a, &build.AssignExpr{LHS: &build.Ident{Name: name}, Op: "=", RHS: v})
}
func (a *attrs) str(name, v string) { a.add(name, str(v)) }
func (a *attrs) optStr(name, v string) {
	if v != "" {
		a.str(name, v)
	}
}

// list adds a non-empty list; lists with more than one item print one per
// line.
func (a *attrs) list(name string, items []build.Expr) {
	if len(items) > 0 {
		a.add(name, &build.ListExpr{List: items, ForceMultiLine: len(items) > 1})
	}
}

func str(s string) *build.StringExpr {
	e := &build.StringExpr{Value: s}
	if needsToken(s) {
		e.Token = quoteUTF8(s)
	}
	return e
}

// needsToken reports text that buildtools would print with octal escapes
// for its UTF-8 bytes, which Buck2's Starlark rejects.
func needsToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return utf8.ValidString(s)
		}
	}
	return false
}

// quoteUTF8 quotes s for Starlark keeping UTF-8 as it is; the printer uses
// a token that unquotes to the value.
func quoteUTF8(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(&b, "\\%03o", c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

func strs(ss []string) []build.Expr {
	out := make([]build.Expr, len(ss))
	for i, s := range ss {
		out[i] = str(s)
	}
	return out
}

func ident(b bool) *build.Ident {
	if b {
		return &build.Ident{Name: "True"}
	}
	return &build.Ident{Name: "False"}
}

func ident2(name string) *build.Ident { return &build.Ident{Name: name} }

func callC(name string, args ...build.Expr) *build.CallExpr {
	return &build.CallExpr{X: ident2(name), List: args, ForceCompact: true}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
