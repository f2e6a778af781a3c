package eapi

import (
	"errors"
	"testing"
)

func TestGet(t *testing.T) {
	for _, tc := range []struct {
		name       string
		wantErr    bool
		idepend    bool
		accumRestr bool
		bdepend    bool
	}{
		{name: "6"},
		{name: "7", bdepend: true},
		{name: "8", bdepend: true, idepend: true, accumRestr: true},
		{name: "9", bdepend: true, idepend: true, accumRestr: true},
		{name: "5", wantErr: true},
		{name: "10", wantErr: true},
		{name: "", wantErr: true},
	} {
		e, err := Get(tc.name)
		if tc.wantErr {
			var u *UnsupportedError
			if !errors.As(err, &u) {
				t.Errorf("Get(%q) error = %v, want UnsupportedError", tc.name, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Get(%q): %v", tc.name, err)
		}
		if got := e.HasKey("IDEPEND"); got != tc.idepend {
			t.Errorf("EAPI %s HasKey(IDEPEND) = %v", tc.name, got)
		}
		if got := e.HasKey("BDEPEND"); got != tc.bdepend {
			t.Errorf("EAPI %s HasKey(BDEPEND) = %v", tc.name, got)
		}
		if got := e.Accumulates("RESTRICT"); got != tc.accumRestr {
			t.Errorf("EAPI %s Accumulates(RESTRICT) = %v", tc.name, got)
		}
	}
}
