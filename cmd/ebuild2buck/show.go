package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/atom"
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
}

type useFlag struct {
	Name    string `json:"name"`
	Default string `json:"default,omitempty"` // "+" or "-"
}

type eclassMD struct {
	Name string `json:"name"`
	MD5  string `json:"md5"`
}

// depNode is a dependency-specification tree. A group has Op "all" (plain
// parentheses and the top level), "||", "^^", "??" or a USE conditional
// "flag?" / "!flag?", and Children. A leaf has Value and, in *DEPEND keys,
// the parsed Atom (or Error when it does not parse).
type depNode struct {
	Op       string     `json:"op,omitempty"`
	Value    string     `json:"value,omitempty"`
	Atom     *atomView  `json:"atom,omitempty"`
	Error    string     `json:"error,omitempty"`
	Children []*depNode `json:"children,omitempty"`
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
	v.License = parseDepSpec(raw["LICENSE"], nil)
	v.RequiredUse = parseDepSpec(raw["REQUIRED_USE"], nil)
	v.Restrict = parseDepSpec(raw["RESTRICT"], nil)
	v.Properties = parseDepSpec(raw["PROPERTIES"], nil)
	v.SrcURI = parseDepSpec(raw["SRC_URI"], nil)
	leaf := func(n *depNode) { atomLeaf(n, eapi) }
	v.Depend = parseDepSpec(raw["DEPEND"], leaf)
	v.BDepend = parseDepSpec(raw["BDEPEND"], leaf)
	v.RDepend = parseDepSpec(raw["RDEPEND"], leaf)
	v.PDepend = parseDepSpec(raw["PDEPEND"], leaf)
	v.IDepend = parseDepSpec(raw["IDEPEND"], leaf)
	return v
}

func atomLeaf(n *depNode, eapi string) {
	a, err := atom.Parse(n.Value, eapi)
	if err != nil {
		n.Error = err.Error()
		return
	}
	av := &atomView{Package: a.Key(), Op: a.Op, Slot: a.Slot, SubSlot: a.SubSlot, SlotOp: a.SlotOp}
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
	n.Atom = av
}

// parseDepSpec builds the tree of a dependency specification (PMS 8.2).
// Unbalanced parentheses do not fail: the view shows what is there, with
// an error node. An empty value gives nil.
func parseDepSpec(s string, leaf func(*depNode)) *depNode {
	toks := strings.Fields(s)
	if len(toks) == 0 {
		return nil
	}
	root := &depNode{Op: "all"}
	stack := []*depNode{root}
	pendingOp := "" // "||", "flag?", ... waiting for its "("
	for _, t := range toks {
		top := stack[len(stack)-1]
		if t == "(" {
			op := pendingOp
			if op == "" {
				op = "all"
			}
			g := &depNode{Op: op}
			top.Children = append(top.Children, g)
			stack = append(stack, g)
			pendingOp = ""
			continue
		}
		if pendingOp != "" {
			top.Children = append(top.Children, &depNode{Value: pendingOp, Error: "operator not followed by ("})
			pendingOp = ""
		}
		switch {
		case t == ")":
			if len(stack) == 1 {
				top.Children = append(top.Children, &depNode{Value: t, Error: "unbalanced )"})
			} else {
				stack = stack[:len(stack)-1]
			}
		case t == "||" || t == "^^" || t == "??" || (strings.HasSuffix(t, "?") && len(t) > 1):
			pendingOp = t
		default:
			n := &depNode{Value: t}
			if leaf != nil && t != "->" {
				leaf(n)
			}
			top.Children = append(top.Children, n)
		}
	}
	if pendingOp != "" {
		root.Children = append(root.Children, &depNode{Value: pendingOp, Error: "operator not followed by ("})
	}
	if len(stack) > 1 {
		root.Children = append(root.Children, &depNode{Error: "missing )"})
	}
	return root
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
	case n.Error != "":
		fmt.Fprintf(w, "%s%s  # error: %s\n", ind, n.Value, n.Error)
	default:
		fmt.Fprintf(w, "%s%s\n", ind, n.Value)
	}
}
