package source

import (
	"context"
	"errors"

	"buckos.dev/buckos/ebuild"
)

type fileCache struct{}

func newFileCache() *fileCache { return &fileCache{} }

func (e *Evaluator) evaluate(ctx context.Context, ref ebuild.Ref) (*ebuild.Metadata, error) {
	return nil, &Error{File: ref.Path, Msg: "evaluation not implemented yet", Err: errors.ErrUnsupported}
}
