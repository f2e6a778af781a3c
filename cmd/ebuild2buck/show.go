package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/atom"
	"buckos.dev/buckos/ebuild/depspec"
	"buckos.dev/buckos/ebuild/source"
)

func init() { register(newShowCmd) }

func newShowCmd() *cobra.Command {
	var (
		rf       repoFlags
		repoPath string
		asJSON   bool
	)
	cmd := &cobra.Command{
		Use:   "show ATOM... --repo REPO",
		Short: "Print the evaluated, typed metadata of matching ebuilds",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if repoPath == "" {
				return fmt.Errorf("--repo is required")
			}
			r, err := rf.open(repoPath)
			if err != nil {
				return err
			}
			refs, _, err := selectEbuilds(r, args)
			if err != nil {
				return err
			}
			ev := source.New(source.Options{EclassDirs: r.EclassDirs()})
			views := make([]pkgView, 0, len(refs))
			var failed []string
			for _, ref := range refs {
				md, err := ev.Evaluate(cmd.Context(), ref)
				if err != nil {
					failed = append(failed, fmt.Sprintf("%s: %v", ref.CPF(), err))
					continue
				}
				views = append(views, newPkgView(md))
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(views); err != nil {
					return err
				}
			} else {
				for i, v := range views {
					if i > 0 {
						fmt.Fprintln(out)
					}
					v.writeText(out)
				}
			}
			if len(failed) > 0 {
				return fmt.Errorf("%d of %d ebuilds failed:\n%s", len(failed), len(refs), strings.Join(failed, "\n"))
			}
			return nil
		},
	}
	rf.add(cmd)
	cmd.Flags().StringVar(&repoPath, "repo", "", "repository directory")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (stable field order)")
	return cmd
}

// pkgView is the typed metadata of one ebuild. Field order is the JSON
// order.
type pkgView struct {
	CPF           string     `json:"cpf"`
	Repo          string     `json:"repo"`
	Path          string     `json:"path"`
	EAPI          string     `json:"eapi"`
	Description   string     `json:"description"`
	Homepage      []string   `json:"homepage,omitempty"`
	Slot          string     `json:"slot"`
	SubSlot       string     `json:"subslot,omitempty"`
	Keywords      []string   `json:"keywords,omitempty"`
	License       *depNode   `json:"license,omitempty"`
	IUse          []useFlag  `json:"iuse,omitempty"`
	RequiredUse   *depNode   `json:"required_use,omitempty"`
	Restrict      *depNode   `json:"restrict,omitempty"`
	Properties    *depNode   `json:"properties,omitempty"`
	SrcURI        *depNode   `json:"src_uri,omitempty"`
	Depend        *depNode   `json:"depend,omitempty"`
	BDepend       *depNode   `json:"bdepend,omitempty"`
	RDepend       *depNode   `json:"rdepend,omitempty"`
	PDepend       *depNode   `json:"pdepend,omitempty"`
	IDepend       *depNode   `json:"idepend,omitempty"`
	DefinedPhases []string   `json:"defined_phases,omitempty"`
	Inherit       []string   `json:"inherit,omitempty"`
	Eclasses      []eclassMD `json:"eclasses,omitempty"`
	MD5           string     `json:"md5"`
	Warnings      []string   `json:"warnings,omitempty"`
	// ParseErrors maps a key whose value does not parse to the error.
	ParseErrors map[string]string `json:"parse_errors,omitempty"`
}

type useFlag struct {
	Name    string `json:"name"`
	Default string `json:"default,omitempty"` // "+" or "-"
}

type eclassMD struct {
	Name string `json:"name"`
	MD5  string `json:"md5"`
}

// depNode is the view of a depspec tree. A group has Op "all" (plain
// parentheses and the top level), "||", "^^", "??" or a USE conditional
// "flag?" / "!flag?", and Children. A leaf has Value and, in *DEPEND keys,
// the parsed Atom, in SRC_URI the parsed URI.
type depNode struct {
	Op       string     `json:"op,omitempty"`
	Value    string     `json:"value,omitempty"`
	Atom     *atomView  `json:"atom,omitempty"`
	URI      *uriView   `json:"uri,omitempty"`
	Children []*depNode `json:"children,omitempty"`
}

// uriView is a parsed SRC_URI element (see depspec.URI).
type uriView struct {
	URL      string `json:"url,omitempty"`
	Filename string `json:"filename"`
	Renamed  bool   `json:"renamed,omitempty"`
	Mirror   string `json:"mirror,omitempty"`
	Path     string `json:"path,omitempty"`
	Restrict string `json:"restrict,omitempty"`
}

type atomView struct {
	Package string   `json:"package"`
	Blocker string   `json:"blocker,omitempty"`
	Op      string   `json:"op,omitempty"`
	Version string   `json:"version,omitempty"`
	Slot    string   `json:"slot,omitempty"`
	SubSlot string   `json:"subslot,omitempty"`
	SlotOp  string   `json:"slot_op,omitempty"`
	Use     []string `json:"use,omitempty"`
	Repo    string   `json:"repo,omitempty"`
}

func newPkgView(md *ebuild.Metadata) pkgView {
	raw := md.Raw
	eapi := raw["EAPI"]
	v := pkgView{
		CPF:           md.Ref.CPF(),
		Repo:          md.Ref.Repo,
		Path:          md.Ref.Path,
		EAPI:          eapi,
		Description:   raw["DESCRIPTION"],
		Homepage:      strings.Fields(raw["HOMEPAGE"]),
		Keywords:      strings.Fields(raw["KEYWORDS"]),
		Inherit:       strings.Fields(raw["INHERIT"]),
		MD5:           md.MD5,
		Warnings:      md.Warnings,
		DefinedPhases: strings.Fields(raw["DEFINED_PHASES"]),
	}
	if len(v.DefinedPhases) == 1 && v.DefinedPhases[0] == "-" {
		v.DefinedPhases = nil
	}
	v.Slot, v.SubSlot, _ = strings.Cut(raw["SLOT"], "/")
	for _, f := range strings.Fields(raw["IUSE"]) {
		u := useFlag{Name: f}
		if f[0] == '+' || f[0] == '-' {
			u = useFlag{Name: f[1:], Default: f[:1]}
		}
		v.IUse = append(v.IUse, u)
	}
	for _, e := range md.Eclasses {
		v.Eclasses = append(v.Eclasses, eclassMD{Name: e.Name, MD5: e.MD5})
	}
	for _, k := range []struct {
		key string
		dst **depNode
	}{
		{"LICENSE", &v.License}, {"REQUIRED_USE", &v.RequiredUse}, {"RESTRICT", &v.Restrict},
		{"PROPERTIES", &v.Properties}, {"SRC_URI", &v.SrcURI}, {"DEPEND", &v.Depend},
		{"BDEPEND", &v.BDepend}, {"RDEPEND", &v.RDepend}, {"PDEPEND", &v.PDepend}, {"IDEPEND", &v.IDepend},
	} {
		val := raw[k.key]
		if strings.TrimSpace(val) == "" {
			continue
		}
		n, err := depspec.Parse(k.key, val, eapi)
		if err != nil {
			if v.ParseErrors == nil {
				v.ParseErrors = map[string]string{}
			}
			v.ParseErrors[k.key] = err.Error()
			continue
		}
		*k.dst = newDepNode(n)
	}
	return v
}

// newDepNode converts a depspec tree into the view.
func newDepNode(n *depspec.Node) *depNode {
	d := &depNode{}
	switch n.Kind {
	case depspec.Leaf:
		d.Value = n.Leaf
		if n.Atom != nil {
			d.Atom = newAtomView(n.Atom)
		}
		if n.URI != nil {
			u := n.URI
			d.URI = &uriView{URL: u.URL, Filename: u.Filename, Renamed: u.Renamed, Mirror: u.Mirror, Path: u.Path, Restrict: u.Restrict}
		}
		return d
	case depspec.AllOf:
		d.Op = "all"
	case depspec.AnyOf:
		d.Op = "||"
	case depspec.ExactlyOneOf:
		d.Op = "^^"
	case depspec.AtMostOneOf:
		d.Op = "??"
	case depspec.UseCond:
		d.Op = n.Flag + "?"
		if n.Negated {
			d.Op = "!" + d.Op
		}
	}
	for _, c := range n.Children {
		d.Children = append(d.Children, newDepNode(c))
	}
	return d
}

func newAtomView(a *atom.Atom) *atomView {
	av := &atomView{Package: a.Key(), Op: a.Op, Slot: a.Slot, SubSlot: a.SubSlot, SlotOp: a.SlotOp, Repo: a.Repo}
	switch a.Blocker {
	case atom.WeakBlocker:
		av.Blocker = "!"
	case atom.StrongBlocker:
		av.Blocker = "!!"
	}
	if a.Version != nil {
		av.Version = a.Version.String()
	}
	for _, u := range a.UseDeps {
		av.Use = append(av.Use, u.String())
	}
	return av
}

func (v pkgView) writeText(w io.Writer) {
	fmt.Fprintf(w, "%s::%s\n", v.CPF, v.Repo)
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(w, "  %-15s %s\n", name+":", value)
		}
	}
	field("path", v.Path)
	field("EAPI", v.EAPI)
	field("DESCRIPTION", v.Description)
	field("HOMEPAGE", strings.Join(v.Homepage, " "))
	field("SLOT", v.Slot)
	field("SUBSLOT", v.SubSlot)
	field("KEYWORDS", strings.Join(v.Keywords, " "))
	var iuse []string
	for _, u := range v.IUse {
		switch u.Default {
		case "+":
			iuse = append(iuse, u.Name+" (on)")
		case "-":
			iuse = append(iuse, u.Name+" (off)")
		default:
			iuse = append(iuse, u.Name)
		}
	}
	field("IUSE", strings.Join(iuse, ", "))
	field("DEFINED_PHASES", strings.Join(v.DefinedPhases, " "))
	field("INHERIT", strings.Join(v.Inherit, " "))
	var ecl []string
	for _, e := range v.Eclasses {
		ecl = append(ecl, e.Name)
	}
	field("eclasses", strings.Join(ecl, " "))
	field("md5", v.MD5)
	for _, d := range []struct {
		name string
		node *depNode
	}{
		{"LICENSE", v.License}, {"REQUIRED_USE", v.RequiredUse}, {"RESTRICT", v.Restrict},
		{"PROPERTIES", v.Properties}, {"SRC_URI", v.SrcURI}, {"DEPEND", v.Depend},
		{"BDEPEND", v.BDepend}, {"RDEPEND", v.RDepend}, {"PDEPEND", v.PDepend}, {"IDEPEND", v.IDepend},
	} {
		if d.node == nil {
			continue
		}
		fmt.Fprintf(w, "  %s:\n", d.name)
		for _, c := range d.node.Children {
			writeDepText(w, c, 2)
		}
	}
	for _, k := range showSortedKeys(v.ParseErrors) {
		fmt.Fprintf(w, "  %s does not parse: %s\n", k, v.ParseErrors[k])
	}
	for _, warn := range v.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warn)
	}
}

func writeDepText(w io.Writer, n *depNode, depth int) {
	ind := strings.Repeat("  ", depth)
	switch {
	case n.Op != "":
		op := n.Op
		if op == "all" {
			op = ""
		} else {
			op += " "
		}
		fmt.Fprintf(w, "%s%s(\n", ind, op)
		for _, c := range n.Children {
			writeDepText(w, c, depth+1)
		}
		fmt.Fprintf(w, "%s)\n", ind)
	case n.URI != nil && n.URI.Renamed:
		fmt.Fprintf(w, "%s%s -> %s\n", ind, n.Value, n.URI.Filename)
	default:
		fmt.Fprintf(w, "%s%s\n", ind, n.Value)
	}
}

func showSortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
