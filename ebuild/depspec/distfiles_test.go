package depspec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDistfiles(t *testing.T) {
	const src = "https://a/x.tgz mirror://gnu/x.tgz doc? ( https://a/doc.pdf https://b/d -> x.tgz ) " +
		"secret.zip !doc? ( https://a/x.tgz fetch+https://a/x.tgz )"
	n, err := ParseSrcURI(src, "8")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		use  string
		want []Distfile
	}{
		{"", []Distfile{
			{Name: "x.tgz", URIs: []URI{
				{URL: "https://a/x.tgz", Filename: "x.tgz"},
				{URL: "mirror://gnu/x.tgz", Filename: "x.tgz", Mirror: "gnu", Path: "x.tgz"},
				{URL: "https://a/x.tgz", Filename: "x.tgz", Restrict: "fetch+"},
			}},
			{Name: "secret.zip"},
		}},
		{"doc", []Distfile{
			{Name: "x.tgz", URIs: []URI{
				{URL: "https://a/x.tgz", Filename: "x.tgz"},
				{URL: "mirror://gnu/x.tgz", Filename: "x.tgz", Mirror: "gnu", Path: "x.tgz"},
				{URL: "https://b/d", Filename: "x.tgz", Renamed: true},
			}},
			{Name: "doc.pdf", URIs: []URI{{URL: "https://a/doc.pdf", Filename: "doc.pdf"}}},
			{Name: "secret.zip"},
		}},
	}
	for _, tt := range tests {
		got := Distfiles(n, useSet(tt.use))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Distfiles(USE=%q) (-want +got):\n%s", tt.use, diff)
		}
	}
}
