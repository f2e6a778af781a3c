package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeCheckWorkspace(t *testing.T, buck string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{
		".buckconfig": "[cells]\nroot = .\nempty = empty\n",
		"BUCK":        buck,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCheckCmd(t *testing.T) {
	tests := []struct {
		name    string
		buck    string
		args    []string
		wantOut string
		wantErr string
	}{
		{
			name:    "ok text",
			buck:    "filegroup(name = \"a\")\n",
			wantOut: "cell empty (empty): 0 packages, 0 targets\ncell root (.): 1 packages, 1 targets\nok\n",
		},
		{
			name:    "error text",
			buck:    "filegroup(name = \"a\", srcs = [\":b\"])\n",
			wantOut: "cell empty (empty): 0 packages, 0 targets\ncell root (.): 1 packages, 1 targets, 1 errors\nerror: BUCK:1: root//:a: attribute \"srcs\": unresolved label root//:b: target \"b\" not found in package root// (it defines: a)\n1 errors\n",
			wantErr: "check: 1 errors in ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeCheckWorkspace(t, tt.buck)
			cmd := newCheckCmd()
			var out bytes.Buffer
			cmd.SetOut(&out)
			cmd.SetArgs(append([]string{dir}, tt.args...))
			err := cmd.Execute()
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.wantErr)) {
				t.Errorf("error = %v, want %q", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.wantOut, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckCmdJSON(t *testing.T) {
	dir := writeCheckWorkspace(t, "filegroup(name = \"a\", srcs = [\":b\"])\n")
	cmd := newCheckCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{dir, "--json"})
	if err := cmd.Execute(); err == nil {
		t.Fatal("want an error for a workspace with errors")
	}
	var got struct {
		OK    bool `json:"ok"`
		Cells []struct {
			Name    string `json:"name"`
			Targets int    `json:"targets"`
		} `json:"cells"`
		Errors []struct {
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v in %s", err, out.String())
	}
	if got.OK || len(got.Cells) != 2 || got.Cells[1].Name != "root" || got.Cells[1].Targets != 1 ||
		len(got.Errors) != 1 || got.Errors[0].File != "BUCK" || got.Errors[0].Line != 1 {
		t.Errorf("json = %s", out.String())
	}
}
