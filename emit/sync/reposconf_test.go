package sync

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadReposConf(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, text string
		want       []RepoConf
		wantErr    string
	}{
		{
			name: "sections",
			text: "[DEFAULT]\nmain-repo = buckos\n\n# the overlay\n[buckos]\nlocation = buckos\npriority = 100\nauto-sync = no\n\n[gentoo]\nlocation = /abs/gentoo\nmasters =\n",
			want: []RepoConf{
				{Name: "buckos", Location: filepath.Join(dir, "buckos"), Priority: 100, Line: 5},
				{Name: "gentoo", Location: "/abs/gentoo", Masters: []string{}, HasMasters: true, Line: 10},
			},
		},
		{name: "bad priority", text: "[a]\nlocation = a\npriority = high\n", wantErr: "repos.conf:3: priority \"high\" is not an integer"},
		{name: "no location", text: "[a]\npriority = 1\n", wantErr: "repos.conf:1: repository a has no location"},
		{name: "no equals", text: "[a]\nlocation\n", wantErr: "repos.conf:2: want KEY = VALUE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, "repos.conf")
			if err := os.WriteFile(p, []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := ReadReposConf(p)
			if tc.wantErr != "" {
				if err == nil || !strings.HasSuffix(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want suffix %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i := range tc.want {
				tc.want[i].File = p
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ReadReposConf (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOpenSourcesMastersByName(t *testing.T) {
	root := t.TempDir()
	writeTree(t, filepath.Join(root, "base"), baseRepo("base"))
	child := baseRepo("child")
	child["metadata/layout.conf"] = "repo-name = child\nmasters = base\n"
	writeTree(t, filepath.Join(root, "child"), child)
	writeTree(t, root, map[string]string{"repos.conf": "[child]\nlocation = child\npriority = 5\n[base]\nlocation = base\n"})
	confs, err := ReadReposConf(filepath.Join(root, "repos.conf"))
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := OpenSources(confs)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 2 || srcs[0].Priority != 5 || len(srcs[0].Repo.Masters) != 1 || srcs[0].Repo.Masters[0].Name != "base" {
		t.Fatalf("child source = %+v", srcs[0])
	}
}
