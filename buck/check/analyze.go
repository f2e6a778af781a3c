package check

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"buckos.dev/buckos/buck/model"
	"go.starlark.net/starlark"
)

// node is one target analysed for one target platform ("" when none).
type node struct {
	label    model.Label
	platform string
}

type state int

const (
	unvisited state = iota
	visiting
	done
)

// analyzer runs rule implementations in dependency order, detecting
// cycles, and resolves select() against target platforms.
type analyzer struct {
	w      *workspace
	state  map[node]state
	result map[node]*model.Dependency // nil: failed (already reported)
	// incompatible nodes are skipped, as Buck2 skips targets whose
	// target_compatible_with does not hold, and their dependents.
	incompatible map[node]bool
	stack        []node
	cycles       map[string]bool
	configs      map[string]*platformConfig
	spec         []detectorRule
	// exec is the platform exec_deps are configured for: the first of
	// [build] execution_platforms when it is a workspace target, else ""
	// (no constraints: an external cell's platform is not visible to the
	// model).
	exec string
}

// depNode is the node a reference leads to: exec deps are configured for
// the execution platform, everything else (toolchain deps included) for
// the platform of the referring target.
func (a *analyzer) depNode(l model.Label, kind model.RefKind, platform string) node {
	if kind == model.RefExecDep {
		return node{l.Target(), a.exec}
	}
	return node{l.Target(), platform}
}

func (a *analyzer) parseExecPlatform() string {
	root := a.w.in.Cells().RootCell()
	v, ok := root.Config.Get("build", "execution_platforms")
	if !ok || strings.TrimSpace(v) == "" {
		return ""
	}
	first := strings.Fields(strings.ReplaceAll(v, ",", " "))[0]
	l, err := model.ParseLabel(first, model.PackageID{Cell: root.Name}, a.w.in.Cells())
	if err != nil {
		a.w.diags = append(a.w.diags, model.Diagnostic{File: ".buckconfig", Msg: fmt.Sprintf("[build] execution_platforms: %v", err)})
		return ""
	}
	if c, ok := a.w.in.Cells().Lookup(l.Cell); ok && c.External != "" {
		return ""
	}
	return l.String()
}

// platformConfig is the constraint set of a platform, keyed by the label
// of each constraint_setting.
type platformConfig struct {
	constraints map[string]string // setting label -> constraint_value label
	err         error
}

// detectorRule is one "target:PATTERN->PLATFORM" of
// [parser] target_platform_detector_spec.
type detectorRule struct {
	pattern  model.Pattern
	platform model.Label
}

func (w *workspace) analyzeAll(ctx context.Context) map[string]int {
	a := &analyzer{w: w, state: map[node]state{}, result: map[node]*model.Dependency{}, incompatible: map[node]bool{}, cycles: map[string]bool{}, configs: map[string]*platformConfig{}}
	a.spec = a.parseDetectorSpec()
	a.exec = a.parseExecPlatform()
	for _, t := range w.order {
		if ctx.Err() != nil {
			return nil
		}
		p, err := a.platformOf(t)
		if err != nil {
			w.addDiag(t, fmt.Sprintf("%s: %v", t.Label, err))
			continue
		}
		a.analyzeTop(t, node{t.Label, p})
	}
	skipped := map[string]int{}
	for _, t := range w.order {
		p, _ := a.platformOf(t)
		if a.incompatible[node{t.Label, p}] {
			skipped[t.Label.Cell]++
		}
	}
	return skipped
}

func (a *analyzer) parseDetectorSpec() []detectorRule {
	root := a.w.in.Cells().RootCell()
	v, ok := root.Config.Get("parser", "target_platform_detector_spec")
	if !ok {
		return nil
	}
	var out []detectorRule
	for _, item := range strings.Fields(v) {
		item = strings.TrimPrefix(item, "target:")
		pat, plat, ok := strings.Cut(item, "->")
		if !ok {
			continue
		}
		cur := model.PackageID{Cell: root.Name}
		p, err1 := model.ParsePattern(pat, cur, a.w.in.Cells())
		l, err2 := model.ParseLabel(plat, cur, a.w.in.Cells())
		if err1 != nil || err2 != nil {
			a.w.diags = append(a.w.diags, model.Diagnostic{File: ".buckconfig", Msg: fmt.Sprintf("[parser] target_platform_detector_spec: cannot parse %q", item)})
			continue
		}
		out = append(out, detectorRule{p, l})
	}
	return out
}

// platformOf is the target platform of a top-level target: its
// default_target_platform, else the first matching detector rule, else none.
func (a *analyzer) platformOf(t *model.Target) (string, error) {
	for _, r := range t.Refs {
		if r.Attr == "default_target_platform" {
			return r.Label.String(), nil
		}
	}
	for _, d := range a.spec {
		if d.pattern.Matches(t.Label) {
			return d.platform.String(), nil
		}
	}
	return "", nil
}

// resolver resolves select() for one node's platform and gives analysis
// the providers of analysed dependencies.
type resolver struct {
	a        *analyzer
	platform string
}

func (r *resolver) Providers(l model.Label, kind model.RefKind) (*model.Dependency, error) {
	d := r.a.result[r.a.depNode(l, kind, r.platform)]
	if d == nil {
		return nil, fmt.Errorf("dependency %s is not analysed", l)
	}
	return d, nil
}

// Configuration names the platform in messages ("<unbound>" for none).
func (r *resolver) Configuration() string {
	if r.platform == "" {
		return "<unbound>"
	}
	return r.platform
}

// Match says whether a select key holds on the resolver's platform, with
// the constraint values the key requires.
func (r *resolver) Match(key model.Label) (bool, []string, error) {
	cfg := r.a.config(r.platform)
	if cfg.err != nil {
		return false, nil, cfg.err
	}
	info, err := r.a.unconfigured(key)
	if err != nil {
		return false, nil, err
	}
	if cv := info.Lookup(model.ConstraintValueInfo); cv != nil {
		setting, value, err := model.ConstraintOf(cv)
		if err != nil {
			return false, nil, fmt.Errorf("select key %s: %w", key, err)
		}
		return cfg.constraints[setting] == value, []string{value}, nil
	}
	if ci := info.Lookup(model.ConfigurationInfo); ci != nil {
		if vd, ok := ci.Field("values").(*starlark.Dict); ok && vd.Len() > 0 {
			return false, nil, fmt.Errorf("select key %s: not modelled: config_setting values (buckconfig matching)", key)
		}
		cons, err := model.Constraints(ci)
		if err != nil {
			return false, nil, fmt.Errorf("select key %s: %w", key, err)
		}
		var need []string
		for setting, want := range cons {
			if cfg.constraints[setting] != want {
				return false, nil, nil
			}
			need = append(need, want)
		}
		sort.Strings(need)
		return true, need, nil
	}
	return false, nil, fmt.Errorf("select key %s is not a constraint_value or config_setting", key)
}

// unconfigured analyses a configuration target (constraint, config
// setting, platform) without a platform.
func (a *analyzer) unconfigured(l model.Label) (*model.Dependency, error) {
	if _, ok := a.w.targets[l.Target()]; !ok {
		return nil, fmt.Errorf("%s does not exist", l)
	}
	n := node{l.Target(), ""}
	a.analyze(n)
	if d := a.result[n]; d != nil {
		return d, nil
	}
	return nil, fmt.Errorf("%s failed to analyse", l)
}

func (a *analyzer) config(platform string) *platformConfig {
	if c, ok := a.configs[platform]; ok {
		return c
	}
	c := &platformConfig{constraints: map[string]string{}}
	a.configs[platform] = c
	if platform == "" {
		return c
	}
	l, err := model.ParseLabel(platform, model.PackageID{}, a.w.in.Cells())
	if err != nil {
		c.err = err
		return c
	}
	d, err := a.unconfigured(l)
	if err != nil {
		c.err = fmt.Errorf("target platform: %w", err)
		return c
	}
	pi := d.Lookup(model.PlatformInfo)
	if pi == nil {
		c.err = fmt.Errorf("target platform %s does not provide PlatformInfo", platform)
		return c
	}
	ci, err := model.PlatformConfiguration(pi)
	if err == nil {
		c.constraints, err = model.Constraints(ci)
	}
	if err != nil {
		c.err = fmt.Errorf("target platform %s: %w", platform, err)
	}
	return c
}

// analyze analyses n after its configured dependencies (depth first),
// reporting a cycle with its full path.
func (a *analyzer) analyze(n node) {
	switch a.state[n] {
	case done:
		return
	case visiting:
		a.reportCycle(n)
		return
	}
	t := a.w.targets[n.label]
	if t == nil || a.w.broken[n.label] {
		a.state[n] = done
		return
	}
	a.state[n] = visiting
	a.stack = append(a.stack, n)
	defer func() {
		a.stack = a.stack[:len(a.stack)-1]
		a.state[n] = done
	}()
	r := &resolver{a: a, platform: n.platform}
	compatible, err := a.compatible(t, r)
	if err != nil {
		a.w.addDiag(t, fmt.Sprintf("%s: %v", t.Label, err))
		return
	}
	if !compatible {
		a.incompatible[n] = true
		return
	}
	refs, err := a.w.in.ConfiguredRefs(t, r)
	if err != nil {
		a.w.addDiag(t, fmt.Sprintf("%s: %v", t.Label, err))
		return
	}
	ok := true
	for _, ref := range refs {
		dn := a.depNode(ref.Label, ref.Kind, n.platform)
		a.analyze(dn)
		if a.incompatible[dn] {
			a.incompatible[n] = true
			return
		}
		if a.result[dn] == nil {
			ok = false
		}
	}
	if !ok {
		return // the failing dependency is reported
	}
	dep, err := a.w.in.Analyze(t, r)
	if err != nil {
		a.w.addDiag(t, fmt.Sprintf("analysis of %s (rule %s): %v", t.Label, t.RuleName(), err))
		return
	}
	a.result[n] = dep
}

// analyzeTop analyses a top-level target; a bug in the model becomes an
// error on that target instead of ending the run.
func (a *analyzer) analyzeTop(t *model.Target, n node) {
	defer func() {
		if r := recover(); r != nil {
			// Nodes left half-analysed must not look like a cycle later.
			for _, m := range a.stack {
				a.state[m] = done
			}
			a.stack = a.stack[:0]
			a.state[n] = done
			a.w.addDiag(t, fmt.Sprintf("internal error in ebuild2buck check while analysing %s: %v", t.Label, r))
		}
	}()
	a.analyze(n)
}

// compatible applies target_compatible_with (every condition must hold)
// and the legacy compatible_with (one must hold) on the node's platform.
func (a *analyzer) compatible(t *model.Target, r *resolver) (bool, error) {
	all, err := a.w.in.ConfiguredLabels(t, "target_compatible_with", r)
	if err != nil {
		return false, err
	}
	for _, l := range all {
		ok, _, err := r.Match(l)
		if err != nil || !ok {
			return false, err
		}
	}
	anyOf, err := a.w.in.ConfiguredLabels(t, "compatible_with", r)
	if err != nil || len(anyOf) == 0 {
		return true, err
	}
	for _, l := range anyOf {
		ok, _, err := r.Match(l)
		if err != nil {
			return false, err
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// reportCycle reports the cycle that closes at n once, starting at its
// smallest label so the message is stable.
func (a *analyzer) reportCycle(n node) {
	i := len(a.stack) - 1
	for i >= 0 && a.stack[i] != n {
		i--
	}
	cyc := a.stack[i:]
	start := 0
	for j := range cyc {
		if cyc[j].label.String() < cyc[start].label.String() {
			start = j
		}
	}
	var names []string
	for j := range cyc {
		names = append(names, cyc[(start+j)%len(cyc)].label.String())
	}
	names = append(names, names[0])
	key := strings.Join(names, " -> ")
	if a.cycles[key] {
		return
	}
	a.cycles[key] = true
	a.w.addDiag(a.w.targets[cyc[start].label], "dependency cycle: "+key)
}
