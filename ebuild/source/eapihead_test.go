package source

import (
	"strings"
	"testing"
)

func TestParseEAPIHead(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"plain", "EAPI=8\n", "8"},
		{"after comments and blanks", "# Copyright\n\n  # x\n\t\nEAPI=7\nSLOT=0\n", "7"},
		{"double quotes", `EAPI="8"` + "\n", "8"},
		{"single quotes", "EAPI='6'\n", "6"},
		{"leading blanks and comment", "  EAPI=8  # comment\n", "8"},
		{"mismatched quotes", `EAPI="8'` + "\n", "0"},
		{"not first statement", "inherit foo\nEAPI=8\n", "0"},
		{"absent", "# only a comment\n", "0"},
		{"empty file", "", "0"},
		{"comment glued to value", "EAPI=8#x\n", "0"},
		{"export is not an assignment", "export EAPI=8\n", "0"},
		{"no final newline", "EAPI=9", "9"},
		// Portage reads with universal newlines.
		{"CRLF line", "EAPI=8\r\n", "8"},
		{"unsupported but valid", "EAPI=5\n", "5"},
		{"other characters", "EAPI=8-foo.bar+1_x\n", "8-foo.bar+1_x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseEAPIHead(strings.NewReader(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("ParseEAPIHead(%q) = %q, want %q", tc.src, got, tc.want)
			}
		})
	}
}

func FuzzParseEAPIHead(f *testing.F) {
	for _, s := range []string{"EAPI=8\n", "# c\n\nEAPI='7'\n", "EAPI=\"9\" # x", "inherit x\n", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		got, err := ParseEAPIHead(strings.NewReader(src))
		if err != nil {
			return // over-long lines
		}
		if got == "0" {
			return
		}
		// A non-default EAPI only comes from a valid token that appears
		// after "EAPI=" in the input.
		for _, c := range got {
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.ContainsRune("+_.-", c)) {
				t.Fatalf("EAPI %q has invalid character %q", got, c)
			}
		}
		if got != "" && !strings.Contains(src, "EAPI="+got) && !strings.Contains(src, "EAPI=\""+got) && !strings.Contains(src, "EAPI='"+got) {
			t.Fatalf("EAPI %q does not appear in %q", got, src)
		}
	})
}
