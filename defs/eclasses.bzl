"""inherit(): eclasses as build-system choices for ebuild_package.

An eclass here is not a bag of shell strings: it names the build system whose default
phases the phase runner uses (defs/scripts/phase_runner.sh defines the eclass entry
points, e.g. cmake_src_configure, that verbatim phases call).

    ebuild_package(name = "foo", version = "1.0", ..., **inherit(["cmake"]))
"""

load("@root//defs/private:eclass_table.bzl", "ECLASS_BUILD_SYSTEMS", "build_system_of")

KNOWN_ECLASSES = sorted(ECLASS_BUILD_SYSTEMS.keys())

def eclass_build_system(eclasses):
    """The build system a list of eclasses stands for ("ebuild" when none)."""
    return build_system_of(eclasses)

def inherit(eclasses):
    """Returns {"eclasses": [...]} for ebuild_package(**inherit([...]))."""
    for e in eclasses:
        if type(e) != "string" or e == "":
            fail("inherit: eclass names are non-empty strings, got {}".format(repr(e)))
    return {"eclasses": list(eclasses)}
