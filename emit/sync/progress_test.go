package sync

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestProgress(t *testing.T) {
	tests := []struct {
		name     string
		terminal bool
		want     string
	}{
		{"plain lines", false, "evaluate: 20 to do\nevaluate: 2/20\nevaluate: 4/20\nevaluate: 6/20\nevaluate: 8/20\nevaluate: 10/20\n" +
			"evaluate: 12/20\nevaluate: 14/20\nevaluate: 16/20\nevaluate: 18/20\nevaluate: 20/20 done\n"},
		{"terminal bar", true, "\r\x1b[Kevaluate  [                              ] 0/20"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			p := newProgress(&buf, tc.terminal)
			p.start("evaluate", 20)
			if tc.terminal {
				if diff := cmp.Diff(tc.want, buf.String()); diff != "" {
					t.Errorf("first frame (-want +got):\n%s", diff)
				}
				buf.Reset()
				for i := 0; i < 10; i++ {
					p.step()
				}
				want := "\r\x1b[Kevaluate  [###############               ] 10/20"
				if got := buf.String()[len(buf.String())-len(want):]; got != want {
					t.Errorf("frame at half = %q, want %q", got, want)
				}
				p.finish()
				if !bytes.HasSuffix(buf.Bytes(), []byte("10/20\n")) {
					t.Errorf("finish does not end the line: %q", buf.String())
				}
				return
			}
			for i := 0; i < 20; i++ {
				p.step()
			}
			p.finish()
			if diff := cmp.Diff(tc.want, buf.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}
