package shell

import (
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkZZParse(b *testing.B) {
	files, _ := filepath.Glob("/work/shared/corpus/gentoo/*/*/*.ebuild")
	for _, assoc := range []bool{true, false} {
		var srcs [][]byte
		var names []string
		for _, f := range files {
			s, _ := os.ReadFile(f)
			if declaresAssocOrInt(s) == assoc {
				srcs = append(srcs, s)
				names = append(names, f)
			}
		}
		b.Run(map[bool]string{true: "assoc", false: "plain"}[assoc], func(b *testing.B) {
			for b.Loop() {
				for i, s := range srcs {
					ParseWith(s, names[i], ParseOptions{Lazy: true, NoSource: true, DeferBodies: true})
				}
			}
		})
	}
}
