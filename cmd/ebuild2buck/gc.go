package main

import (
	"os"
	"runtime/debug"
)

// gcPercent and memoryLimit tune the garbage collector for every command.
// Evaluating ebuilds allocates a lot and keeps little (an interpreter's
// state lives for one ebuild): at the default GOGC=100 collection costs
// about a third of `ebuild2buck metadata`'s CPU time. A higher GOGC
// collects less often; the soft memory limit makes the collector work
// harder again before the heap nears it, so commands that keep much (sync
// holds every package's metadata) stay well under 1 GiB. GOGC and
// GOMEMLIMIT in the environment take precedence.
const (
	gcPercent   = 800
	memoryLimit = 768 << 20
)

func init() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
