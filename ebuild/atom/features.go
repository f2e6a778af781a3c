package atom

import (
	"fmt"
	"strconv"
)

// features are the atom syntax an EAPI allows (PMS eapi-cheatsheet; Portage
// lib/portage/eapi.py). EAPIs 0–5 are included because old md5-cache entries
// (chromiumos) use them; BuckOS only evaluates 6–9.
type features struct {
	slotDeps     bool // ":slot" (EAPI 1)
	useDeps      bool // "[flag]" (EAPI 2)
	strongBlock  bool // "!!" (EAPI 2)
	useDefaults  bool // "(+)" / "(-)" (EAPI 4)
	slotOperator bool // ":=", ":*", ":slot/sub" (EAPI 5)
	repoDeps     bool // "::repo" (Portage extension; never in ebuilds)
}

// featuresFor returns the syntax allowed by eapi. The empty EAPI means "no
// EAPI restrictions" and also allows the Portage "::repo" extension, as in
// user configuration files.
func featuresFor(eapi string) (features, error) {
	if eapi == "" {
		return features{true, true, true, true, true, true}, nil
	}
	n, err := strconv.Atoi(eapi)
	if err != nil || n < 0 || eapi[0] == '+' || eapi[0] == '-' {
		return features{}, fmt.Errorf("unknown EAPI %q", eapi)
	}
	return features{
		slotDeps:     n >= 1,
		useDeps:      n >= 2,
		strongBlock:  n >= 2,
		useDefaults:  n >= 4,
		slotOperator: n >= 5,
	}, nil
}
