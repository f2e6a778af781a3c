package sync

import (
	"context"
	"fmt"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/repo"
	"buckos.dev/buckos/ebuild/source"
)

// sourceEvaluator evaluates with one ebuild/source Evaluator per repository,
// each with that repository's eclass search order.
type sourceEvaluator map[*repo.Repo]*source.Evaluator

// NewSourceEvaluator returns the Evaluator of the real tool for srcs.
func NewSourceEvaluator(srcs []Source) Evaluator {
	ev := sourceEvaluator{}
	for _, s := range srcs {
		ev[s.Repo] = source.New(source.Options{EclassDirs: s.Repo.EclassDirs()})
	}
	return ev
}

func (ev sourceEvaluator) Evaluate(ctx context.Context, r *repo.Repo, ref ebuild.Ref) (md *ebuild.Metadata, err error) {
	e, ok := ev[r]
	if !ok {
		return nil, fmt.Errorf("%s: repository %s is not part of this sync", ref.Path, r.Name)
	}
	// One ebuild that crashes the interpreter must not stop the sync.
	defer func() {
		if p := recover(); p != nil {
			md, err = nil, fmt.Errorf("%s: evaluator panic: %v", ref.Path, p)
		}
	}()
	return e.Evaluate(ctx, ref)
}
