package sandbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// runScript runs src under a sandbox whose only read root is root.
func runScript(t *testing.T, root, src string, cfg Config) (string, error) {
	t.Helper()
	cfg.ReadRoots = []string{root}
	var warnings []string
	cfg.Warn = func(msg string) { warnings = append(warnings, msg) }
	s := New(cfg)
	f, err := syntax.NewParser().Parse(strings.NewReader(src), "t.sh")
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	opts := append([]interp.RunnerOption{
		interp.Env(expand.ListEnviron("PATH=/dev/null")),
		interp.Dir(root),
		interp.StdIO(nil, &out, &out),
		interp.CallHandler(func(ctx context.Context, args []string) ([]string, error) {
			return args, s.Step(ctx)
		}),
	}, s.Options()...)
	r, err := interp.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	err = r.Run(context.Background(), f)
	return out.String() + strings.Join(warnings, "\n"), err
}

func TestSandbox(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "inside.txt"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "outside.txt")
	if err := os.WriteFile(outside, []byte("secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, src string
		wantOut   string // substring of output and warnings
		wantErr   error  // nil: success or plain exit status
	}{
		{"read inside", "echo $(< inside.txt)", "hello", nil},
		{"read outside", "echo $(< " + outside + ")", "sandbox violation", nil},
		{"glob inside", "echo *.txt", "inside.txt", nil},
		{"write refused", "echo x > new.txt || echo refused", "refused", nil},
		{"dev null", "echo x > /dev/null && echo ok", "ok", nil},
		{"stat outside", "[[ -f " + outside + " ]] || echo absent", "absent", nil},
		{"intercepted tool", "sed -e p; echo $?", "127", nil},
		{"intercepted warning", "grep x", "QA Notice: 'grep' called in global scope", nil},
		{"program", "ls /", "", ErrExternal},
		{"step budget", "while :; do :; done", "", ErrBudget},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runScript(t, root, tc.src, Config{MaxSteps: 1000})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("error %v, want %v", err, tc.wantErr)
				}
				return
			}
			if _, ok := interp.IsExitStatus(err); err != nil && !ok {
				t.Fatalf("unexpected error %v", err)
			}
			if !strings.Contains(out, tc.wantOut) {
				t.Errorf("output %q does not contain %q", out, tc.wantOut)
			}
			if strings.Contains(out, "secret") {
				t.Errorf("output %q shows a file outside the read roots", out)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(root, "new.txt")); err == nil {
		t.Errorf("write went through")
	}
}

func TestChecks(t *testing.T) {
	root := t.TempDir()
	s := New(Config{ReadRoots: []string{root}, Virtual: func(p string) ([]byte, bool) { return nil, p == "/virtual/1" }})
	r, err := interp.New(interp.Dir(root), interp.ExecHandler(func(ctx context.Context, args []string) error {
		for _, tc := range []struct {
			path       string
			read, wrte bool
		}{
			{filepath.Join(root, "a"), true, false},
			{"rel/b", true, false},
			{"../escape", false, false},
			{"/etc/passwd", false, false},
			{"/dev/null", true, true},
			{"/dev/stderr", false, true},
			{"/virtual/1", true, false},
		} {
			if got := s.CheckRead(ctx, tc.path) == nil; got != tc.read {
				t.Errorf("CheckRead(%q) allowed = %v", tc.path, got)
			}
			if got := s.CheckWrite(ctx, tc.path) == nil; got != tc.wrte {
				t.Errorf("CheckWrite(%q) allowed = %v", tc.path, got)
			}
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := syntax.NewParser().Parse(strings.NewReader("check"), "")
	if err := r.Run(context.Background(), f); err != nil {
		t.Fatal(err)
	}
}
