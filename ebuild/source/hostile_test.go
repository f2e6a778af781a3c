package source

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"buckos.dev/buckos/ebuild"
)

// TestHostile evaluates the ebuilds of testdata/hostile, each of which
// tries to escape the sandbox or exhaust a budget; each must fail cleanly
// with an error naming the file and line of the offence.
func TestHostile(t *testing.T) {
	tests := []struct {
		pkg  string
		want string
		line int // 0: any
	}{
		{"run-program", "external commands disallowed while sourcing ebuild: ls -l /", 3},
		{"write-file", "sandbox violation: write /tmp/buckos-hostile-write", 3},
		{"append-file", "sandbox violation: write /var/tmp/portage/hostile/append-file-1/temp/log", 4},
		{"read-passwd", "sandbox violation: read /etc/passwd", 3},
		{"source-passwd", "sandbox violation: read /etc/passwd", 3},
		{"read-redirect", "sandbox violation: read /etc/passwd", 3},
		{"infinite-loop", "evaluation took longer than", 3},
		{"assignment-loop", "evaluation took longer than", 3},
		{"recursion", "function nesting deeper than 1000", 3},
		{"fork-bomb", "", 3}, // a subshell or a nesting limit, whichever comes first
		// Either budget may stop it first: memory or time.
		{"string-growth", "evaluation", 4},
		{"eval-bomb", "eval/source nesting deeper than 100", 0},
		{"exit-shell", "shell exited", 0},
		{"devtcp", "sandbox violation: write /dev/tcp/127.0.0.1/80", 3},
		{"banned-helper", "die: usex() calls are not allowed in global scope", 4},
	}
	repo, err := filepath.Abs(filepath.Join("testdata", "hostile"))
	if err != nil {
		t.Fatal(err)
	}
	// Loops are stopped by the clock; everything else must be stopped by
	// its own check well before the generous default.
	loops := New(Options{EclassDirs: []string{filepath.Join(repo, "eclass")}, Timeout: time.Second})
	others := New(Options{EclassDirs: []string{filepath.Join(repo, "eclass")}, Timeout: 30 * time.Second})
	for _, tc := range tests {
		e := others
		if strings.HasSuffix(tc.pkg, "loop") || tc.pkg == "string-growth" {
			e = loops
		}
		t.Run(tc.pkg, func(t *testing.T) {
			path := filepath.Join(repo, "hostile", tc.pkg, tc.pkg+"-1.ebuild")
			ref := ebuild.Ref{Repo: "hostile", Category: "hostile", PN: tc.pkg, PVR: "1", Path: path}
			start := time.Now()
			md, err := e.Evaluate(context.Background(), ref)
			if err == nil {
				t.Fatalf("evaluated to %v, want an error", md.Raw)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v to fail", d)
			}
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is %T, not *Error", err, err)
			}
			if e == others && errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("stopped only by the clock: %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if se.File != path {
				t.Errorf("error names file %q, want %q", se.File, path)
			}
			if tc.line != 0 && se.Line != tc.line {
				t.Errorf("error names line %d, want %d (%v)", se.Line, tc.line, err)
			}
			if !strings.HasPrefix(err.Error(), se.File+":") {
				t.Errorf("error %q does not start with its file", err)
			}
		})
	}
	if _, err := os.Stat("/tmp/buckos-hostile-write"); err == nil {
		t.Errorf("the write-file ebuild created /tmp/buckos-hostile-write")
	}
}
