package version

import "testing"

func TestValidPackageName(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"zlib", true},
		{"gtk+", true},
		{"_foo", true},
		{"foo-bar", true},
		{"foo-bar2", true},
		{"libfoo-2a", false}, // "2a" is a version (number and letter)
		{"libfoo2a", true},
		{"font-adobe-100dpi", true},
		{"foo-1", false},
		{"foo-1.2", false},
		{"foo-1-r1", false},
		{"foo-1_rc1", false},
		{"foo-1a", false},
		{"foo-1ab", true},
		{"foo-", true}, // ends in a hyphen, not a hyphen and a version
		{"-foo", false},
		{"+foo", false},
		{"", false},
		{"foo.bar", false},
		{"foo/bar", false},
		{"fóo", false},
	}
	for _, tt := range tests {
		if got := ValidPackageName(tt.in); got != tt.want {
			t.Errorf("ValidPackageName(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestValidCategory(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"dev-libs", true},
		{"virtual", true},
		{"dev-perl", true},
		{"x11.drivers+", true},
		{"_x", true},
		{".dev", false},
		{"-dev", false},
		{"+dev", false},
		{"", false},
		{"dev/libs", false},
		{"dev libs", false},
	}
	for _, tt := range tests {
		if got := ValidCategory(tt.in); got != tt.want {
			t.Errorf("ValidCategory(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSplitPF(t *testing.T) {
	tests := []struct {
		in, pn, pvr string
		wantErr     bool
	}{
		{in: "zlib-1.3.1-r1", pn: "zlib", pvr: "1.3.1-r1"},
		{in: "gtk+-3.24.41", pn: "gtk+", pvr: "3.24.41"},
		{in: "font-adobe-100dpi-1.0.4", pn: "font-adobe-100dpi", pvr: "1.0.4"},
		{in: "python-3.12.4_p1", pn: "python", pvr: "3.12.4_p1"},
		{in: "foo-bar-9999", pn: "foo-bar", pvr: "9999"},
		{in: "libfoo-2a-1", pn: "libfoo", pvr: "2a-1", wantErr: true},
		{in: "foo-1-2", wantErr: true},
		{in: "foo", wantErr: true},
		{in: "foo-bar", wantErr: true},
		{in: "-1.0", wantErr: true},
		{in: "foo-1.0-r", wantErr: true},
	}
	for _, tt := range tests {
		pn, pvr, err := SplitPF(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("SplitPF(%q) = %q, %q, want error", tt.in, pn, pvr)
			}
			continue
		}
		if err != nil || pn != tt.pn || pvr != tt.pvr {
			t.Errorf("SplitPF(%q) = %q, %q, %v; want %q, %q", tt.in, pn, pvr, err, tt.pn, tt.pvr)
		}
	}
}
