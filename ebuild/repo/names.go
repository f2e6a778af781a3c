package repo

import "buckos.dev/buckos/ebuild/version"

// PMS naming rules come from ebuild/version.
func validCategory(s string) bool { return version.ValidCategory(s) }
func validPN(s string) bool       { return version.ValidPackageName(s) }
func validPVR(s string) bool      { return version.Valid(s) }

// compareVersions orders two valid PVRs as Portage does; invalid ones (never
// listed by Scan) fall back to string order.
func compareVersions(a, b string) int {
	va, errA := version.Parse(a)
	vb, errB := version.Parse(b)
	if errA != nil || errB != nil {
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	}
	return version.Compare(va, vb)
}
