package eclass

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/version"
)

// Arg is one item of a generated argument list: a literal, or a
// USE-conditional pair (use_if(Flag, Then, Else) in the BUCK file).
type Arg struct {
	Lit  string   // the literal, when Flag is ""
	Flag string   // "ssl" or "!ssl"
	Then []string // words when the condition holds
	Else []string // words when it does not
}

// Note records, for one function, whether it became declarative or was
// kept verbatim, and why.
type Note struct {
	Func     string // e.g. "src_configure"
	Verbatim bool
	Reason   string
}

// Plan is what one ebuild version means for the BUCK macro.
type Plan struct {
	Language Language
	Why      string // why this language (Detect)
	Macro    string
	// ArgsAttr is the attribute Args go to: configure_args, cmake_args or
	// meson_args; empty when the ebuild configures with the eclass defaults.
	ArgsAttr string
	Args     []Arg
	Patches  []string // PATCHES: FILESDIR entries as "files/NAME"
	Docs     []string // DOCS as written
	// Phases holds every function the ebuild itself defines that the macro
	// does not cover, as a complete declaration printed by mvdan's printer:
	// the phase runner sources them after the inherited eclasses.
	Phases map[string]string
	// Env holds the ebuild's global variables the build needs, exported
	// before the eclasses are inherited (see buildEnv).
	Env   map[string]string
	Notes []Note // sorted by Func
}

// Declarative reports whether no function had to be kept verbatim.
func (p *Plan) Declarative() bool { return len(p.Phases) == 0 }

// Analyze decides the language of m and turns the ebuild's own phase
// functions into declarative attributes where it recognises them. It
// never fails: whatever it cannot read is kept verbatim, with a Note.
func Analyze(m *ebuild.Metadata) *Plan {
	lang, why := Detect(m)
	p := &Plan{Language: lang, Why: why, Phases: map[string]string{}}
	patchFiles, outside, patchWords := patches(m)
	if !outside {
		p.Patches = patchFiles
	}
	for _, d := range listVar(m, "DOCS") {
		p.Docs = append(p.Docs, unexpandDirs(m, d))
	}

	names := make([]string, 0, len(m.Funcs))
	for name, f := range m.Funcs {
		if ownFunc(m, f) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var env *substitution // built on first use: most ebuilds need none
	parser := syntax.NewParser(syntax.Variant(syntax.LangBash))
	for _, name := range names {
		src := m.Funcs[name].Source
		if !isPhase(name) {
			p.Phases[name] = src
			p.Notes = append(p.Notes, Note{Func: name, Verbatim: true, Reason: "not a phase function (helper for verbatim phases)"})
			continue
		}
		if name != "src_configure" {
			if reason, ok := obviouslyNotTrivial(src); ok {
				p.Phases[name] = src
				p.Notes = append(p.Notes, Note{Func: name, Verbatim: true, Reason: reason})
				continue
			}
		}
		body, err := parseFunc(parser, src, name)
		if err == nil {
			if env == nil && name == "src_configure" {
				env = substitutions(m)
			}
			switch {
			case name == "src_configure" && (lang == Autotools || lang == Make || lang == CMake || lang == Meson):
				var c configured
				c, err = configure(body, lang, env)
				if err == nil {
					err = configureReplaces(m, c.call)
				}
				if err == nil {
					p.ArgsAttr, p.Args = c.attr, c.args
					if c.attr == "configure_args" {
						p.Language, p.Why = Autotools, "src_configure calls econf"
					}
					p.Notes = append(p.Notes, Note{Func: name, Reason: c.why})
					continue
				}
			default:
				if err = trivial(body, name, m); err == nil {
					p.Notes = append(p.Notes, Note{Func: name, Reason: "only calls the default implementation"})
					continue
				}
			}
		}
		p.Phases[name] = src
		p.Notes = append(p.Notes, Note{Func: name, Verbatim: true, Reason: err.Error()})
	}
	if outside {
		p.patchesInPrepare(m, patchWords)
	}
	slices.SortStableFunc(p.Notes, func(a, b Note) int { return strings.Compare(a.Func, b.Func) })
	p.Env = buildEnv(m, p.Phases)
	p.Macro = p.Language.Macro()
	// meta_package builds nothing and takes no sources, patches or phases
	// (docs/GENERATED_BUCK.md): a "none" ebuild that has any of them is
	// built as a verbatim ebuild_package instead.
	if p.Language == None && (m.Raw["SRC_URI"] != "" || len(p.Phases) > 0 || len(p.Patches) > 0) {
		p.Macro = "ebuild_package"
		p.Why += "; has sources, patches or phase functions, so ebuild_package"
	}
	return p
}

var phaseNames = []string{
	"pkg_pretend", "pkg_setup", "src_unpack", "src_prepare", "src_configure", "src_compile",
	"src_test", "src_install", "pkg_preinst", "pkg_postinst", "pkg_prerm", "pkg_postrm",
	"pkg_config", "pkg_info", "pkg_nofetch",
}

func isPhase(name string) bool { return slices.Contains(phaseNames, name) }

// parseFunc parses a function declaration and returns its body statements.
func parseFunc(parser *syntax.Parser, src, name string) ([]*syntax.Stmt, error) {
	f, err := parser.Parse(strings.NewReader(src), name)
	if err != nil {
		return nil, fmt.Errorf("cannot parse: %w", err)
	}
	if len(f.Stmts) != 1 {
		return nil, fmt.Errorf("source is not one function declaration")
	}
	fd, ok := f.Stmts[0].Cmd.(*syntax.FuncDecl)
	if !ok {
		return nil, fmt.Errorf("source is not a function declaration")
	}
	block, ok := fd.Body.Cmd.(*syntax.Block)
	if !ok {
		return nil, fmt.Errorf("line %d: function body is not a { } block", fd.Body.Pos().Line())
	}
	return block.Stmts, nil
}

// configureReplaces checks that the macro's own configure step is what
// would run without the ebuild's src_configure: econf needs no eclass
// exporting src_configure, cmake_src_configure / meson_src_configure need
// that eclass to be the exporter.
func configureReplaces(m *ebuild.Metadata, call string) error {
	expected, ok := exportedPhase(m, "src_configure")
	switch {
	case !ok:
		return fmt.Errorf("several inherited eclasses implement src_configure")
	case call == "econf" || call == "default" || call == "default_src_configure":
		if expected != "default" {
			return fmt.Errorf("%s would run instead of econf", expected)
		}
	case call != expected:
		return fmt.Errorf("%s would run instead of %s", expected, call)
	}
	return nil
}

// obviouslyNotTrivial spares parsing a function that cannot be trivial: a
// trivial body is one bare command word per line. It returns the first
// line that is something else.
func obviouslyNotTrivial(src string) (string, bool) {
	_, body, ok := strings.Cut(src, "{")
	if !ok {
		return "", false
	}
	body = body[:max(strings.LastIndex(body, "}"), 0)]
	for i, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) > 1 || strings.ContainsAny(line, "$;|&<>()`'\"=[]{}#\\") {
			return fmt.Sprintf("line %d: %s", i+1, f[0]), true
		}
	}
	return "", false
}

// exportedPhase returns what runs for phase when the ebuild does not define
// it: "NAME_phase" of the one inherited eclass that defines that function
// (EXPORT_FUNCTIONS' convention), or "default" when none does. ok is false
// when several inherited eclasses define it: which one exports it last is
// not known here.
func exportedPhase(m *ebuild.Metadata, phase string) (call string, ok bool) {
	call = "default"
	found := 0
	seen := map[string]bool{}
	for _, e := range m.Eclasses {
		if seen[e.Name] {
			continue
		}
		seen[e.Name] = true
		if _, defined := m.Funcs[e.Name+"_"+phase]; defined {
			call = e.Name + "_" + phase
			found++
		}
	}
	return call, found <= 1
}

// trivial accepts a phase body that does exactly what runs when the ebuild
// does not define the phase: a call of the exported implementation (or
// `default` / default_PHASE when no eclass exports one), plus eapply_user
// in src_prepare.
func trivial(body []*syntax.Stmt, phase string, m *ebuild.Metadata) error {
	expected, ok := exportedPhase(m, phase)
	if !ok {
		return fmt.Errorf("several inherited eclasses implement %s", phase)
	}
	called := false
	for _, st := range body {
		words, err := plainCall(st)
		if err != nil {
			return err
		}
		name := words[0]
		isDefault := name == "default" || name == "default_"+phase
		switch {
		case len(words) > 1:
			return fmt.Errorf("line %d: %s called with arguments", st.Pos().Line(), name)
		case name == expected || (expected == "default" && isDefault):
			called = true
		case isDefault:
			return fmt.Errorf("line %d: default replaces %s", st.Pos().Line(), expected)
		case name == "eapply_user" && phase == "src_prepare":
		default:
			return fmt.Errorf("line %d: command %s", st.Pos().Line(), name)
		}
	}
	if !called {
		return fmt.Errorf("does not call %s", expected)
	}
	return nil
}

// plainCall returns the literal words of a simple command statement.
func plainCall(st *syntax.Stmt) ([]string, error) {
	line := st.Pos().Line()
	if st.Negated || st.Background || st.Coprocess || len(st.Redirs) > 0 {
		return nil, fmt.Errorf("line %d: statement with redirection or operator", line)
	}
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(call.Assigns) > 0 || len(call.Args) == 0 {
		return nil, fmt.Errorf("line %d: %s", line, describe(st.Cmd))
	}
	var words []string
	for _, w := range call.Args {
		s, ok := literal(w)
		if !ok {
			return nil, fmt.Errorf("line %d: non-literal word in command", line)
		}
		words = append(words, s)
	}
	return words, nil
}

// describe names a command node for a Note.
func describe(c syntax.Command) string {
	switch c := c.(type) {
	case *syntax.IfClause:
		return "if statement"
	case *syntax.ForClause:
		return "for loop"
	case *syntax.WhileClause:
		return "while loop"
	case *syntax.CaseClause:
		return "case statement"
	case *syntax.BinaryCmd:
		return "command list (" + c.Op.String() + ")"
	case *syntax.DeclClause:
		return c.Variant.Value + " declaration"
	case *syntax.CallExpr:
		if len(c.Args) == 0 {
			return "variable assignment"
		}
		return "command"
	case *syntax.Subshell:
		return "subshell"
	case *syntax.Block:
		return "block"
	case *syntax.TestClause:
		return "[[ test ]]"
	}
	return fmt.Sprintf("%T", c)
}

// literal returns a word made only of unescaped literal text.
func literal(w *syntax.Word) (string, bool) {
	var b strings.Builder
	for _, part := range w.Parts {
		switch part := part.(type) {
		case *syntax.Lit:
			if strings.ContainsAny(part.Value, "\\*?[") {
				return "", false
			}
			b.WriteString(part.Value)
		case *syntax.SglQuoted:
			if part.Dollar {
				return "", false
			}
			b.WriteString(part.Value)
		case *syntax.DblQuoted:
			for _, q := range part.Parts {
				lit, ok := q.(*syntax.Lit)
				if !ok || strings.ContainsAny(lit.Value, "\\") {
					return "", false
				}
				b.WriteString(lit.Value)
			}
		default:
			return "", false
		}
	}
	return b.String(), true
}

// patches reads PATCHES. When every entry is under FILESDIR, files holds
// them as "files/NAME" for the patches attribute. Otherwise outside is
// true and words holds every entry as a shell word ("${FILESDIR}"/'x',
// "${WORKDIR}"/'debian/patches'), for patchesInPrepare.
func patches(m *ebuild.Metadata) (files []string, outside bool, words []string) {
	items := listVar(m, "PATCHES")
	filesdir := path.Join(path.Dir(m.Ref.Path), "files")
	if v, ok := m.Vars["FILESDIR"]; ok && v.Str != "" {
		filesdir = v.Str
	}
	for _, it := range items {
		rel, ok := strings.CutPrefix(it, filesdir+"/")
		if !ok {
			rel, ok = strings.CutPrefix(it, "${FILESDIR}/")
		}
		if ok {
			files = append(files, "files/"+rel)
			words = append(words, `"${FILESDIR}"/`+shellQuote(rel))
			continue
		}
		outside = true
		it = unexpandDirs(m, it)
		if strings.HasPrefix(it, "${") {
			if end := strings.Index(it, "}"); end > 0 {
				word := `"` + it[:end+1] + `"`
				if rest := it[end+1:]; rest != "" {
					word += shellQuote(rest)
				}
				words = append(words, word)
				continue
			}
		}
		words = append(words, shellQuote(it))
	}
	return files, outside, words
}

// shellQuote quotes s as one shell word in single quotes (an empty s gives
// an empty pair of quotes).
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// patchesInPrepare handles PATCHES entries outside FILESDIR (a patch set
// unpacked into WORKDIR, ...), which the patches attribute cannot name:
// src_prepare is kept verbatim with `local PATCHES=( ... )` at its start, so
// the default src_prepare it calls applies them (bash locals are visible to
// called functions). An ebuild without its own src_prepare gets one that
// calls the eclass's src_prepare, or default.
func (p *Plan) patchesInPrepare(m *ebuild.Metadata, words []string) {
	decl := "local PATCHES=(" + strings.Join(words, " ") + ")"
	var src string
	if f, ok := m.Funcs["src_prepare"]; ok && ownFunc(m, f) {
		i := strings.Index(f.Source, "{")
		src = f.Source[:i+1] + "\n\t" + decl + "\n" + f.Source[i+1:]
	} else {
		call := "default"
		if ok {
			if name, ok := exporter(f.Source, "src_prepare"); ok {
				call = name + "_src_prepare"
			}
		}
		src = "src_prepare() {\n\t" + decl + "\n\t" + call + "\n}"
	}
	p.Notes = slices.DeleteFunc(p.Notes, func(n Note) bool { return n.Func == "src_prepare" })
	p.Phases["src_prepare"] = src
	p.Notes = append(p.Notes, Note{Func: "src_prepare", Verbatim: true, Reason: "PATCHES has entries outside FILESDIR: set as a local in src_prepare"})
}

// buildDirs are the directories whose global-scope values are the
// evaluator's placeholders; generated files name them by variable.
var buildDirs = []string{"S", "WORKDIR", "DISTDIR", "T", "FILESDIR", "HOME"}

// unexpandDirs writes a path under a build directory back as ${VAR}/...,
// so that no placeholder path of the evaluator reaches a BUCK file.
func unexpandDirs(m *ebuild.Metadata, s string) string {
	for _, name := range buildDirs {
		v, ok := m.Vars[name]
		if !ok || v.Kind != ebuild.KindString || v.Str == "" {
			continue
		}
		if s == v.Str {
			return "${" + name + "}"
		}
		if rest, ok := strings.CutPrefix(s, v.Str+"/"); ok {
			return "${" + name + "}/" + rest
		}
	}
	return s
}

// mentionsBuildDir reports a value that contains a build directory or the
// repository path: such a value is only right inside the phase runner.
func mentionsBuildDir(m *ebuild.Metadata, s string) bool {
	if strings.Contains(s, "/var/tmp/portage") {
		return true
	}
	if d := path.Dir(m.Ref.Path); m.Ref.Path != "" && strings.Contains(s, d) {
		return true
	}
	for _, name := range buildDirs {
		if v, ok := m.Vars[name]; ok && v.Kind == ebuild.KindString && v.Str != "" && strings.Contains(s, v.Str) {
			return true
		}
	}
	return false
}

// listVar reads a global variable as a list (array elements, or the
// whitespace-separated words of a string).
func listVar(m *ebuild.Metadata, name string) []string {
	v, ok := m.Vars[name]
	if !ok {
		return nil
	}
	switch v.Kind {
	case ebuild.KindIndexed:
		return slices.Clone(v.List)
	case ebuild.KindString:
		return strings.Fields(v.Str)
	}
	return nil
}

// substitution holds the variables a declarative argument may use: the
// PMS package variables, EPREFIX (BuckOS is never a Prefix install), and
// the ebuild's global string variables except those naming build-time
// directories, whose values only the phase runner knows.
type substitution struct {
	m   *ebuild.Metadata
	pms map[string]string
}

func substitutions(m *ebuild.Metadata) *substitution {
	r := m.Ref
	pv := r.PVR
	if v, err := version.Parse(r.PVR); err == nil {
		pv = v.WithoutRevision()
	}
	pr := "r0"
	if i := strings.LastIndex(r.PVR, "-r"); i >= 0 && pv != r.PVR {
		pr = r.PVR[i+1:]
	}
	pms := map[string]string{
		"CATEGORY": r.Category, "PN": r.PN, "PV": pv, "PR": pr, "PVR": r.PVR,
		"P": r.PN + "-" + pv, "PF": r.PN + "-" + r.PVR, "EPREFIX": "",
	}
	if s, ok := m.Raw["SLOT"]; ok {
		slot, _, _ := strings.Cut(s, "/")
		pms["SLOT"] = slot
	}
	return &substitution{m: m, pms: pms}
}

// get returns the value of variable name, if a declarative argument may
// use it.
func (s *substitution) get(name string) (string, bool) {
	if v, ok := s.pms[name]; ok {
		return v, true
	}
	v, ok := s.m.Vars[name]
	if !ok || v.Kind != ebuild.KindString || runtimeVars[name] || strings.HasPrefix(name, "PORTAGE_") || mentionsBuildDir(s.m, v.Str) {
		return "", false
	}
	return v.Str, true
}

var runtimeVars = map[string]bool{
	"S": true, "D": true, "ED": true, "T": true, "WORKDIR": true, "DISTDIR": true,
	"FILESDIR": true, "HOME": true, "TMPDIR": true, "ROOT": true, "EROOT": true,
	"SYSROOT": true, "ESYSROOT": true, "BROOT": true, "A": true, "USE": true,
	"CHOST": true, "CBUILD": true, "CTARGET": true, "CC": true, "CXX": true,
	"CFLAGS": true, "CXXFLAGS": true, "LDFLAGS": true, "MERGE_TYPE": true,
	"REPLACING_VERSIONS": true, "REPLACED_BY_VERSION": true, "BUILD_DIR": true,
	"EBUILD_PHASE": true, "EBUILD_PHASE_FUNC": true, "ECONF_SOURCE": true,
}
