"""Which build system ("language") an eclass stands for, as eclass/ in Go decides."""

ECLASS_BUILD_SYSTEMS = {
    "autotools": "autotools",
    "cargo": "cargo",
    "cmake": "cmake",
    "cmake-multilib": "cmake",
    "distutils-r1": "python",
    "go-module": "go",
    "golang-base": "go",
    "golang-build": "go",
    "meson": "meson",
    "meson-multilib": "meson",
    "perl-module": "perl",
}

# When several are inherited, the earlier one in this list decides.
_PRIORITY = ["cmake", "meson", "cargo", "go", "python", "perl", "autotools"]

def build_system_of(eclasses, fallback = "ebuild"):
    found = {}
    for e in eclasses:
        if e in ECLASS_BUILD_SYSTEMS:
            found[ECLASS_BUILD_SYSTEMS[e]] = True
    for bs in _PRIORITY:
        if bs in found:
            return bs
    return fallback
