"""Platform targeting: constants, platform labels and select() helpers."""

PLATFORM_LINUX = "linux"
PLATFORM_BSD = "bsd"
PLATFORM_MACOS = "macos"
PLATFORM_WINDOWS = "windows"

ALL_PLATFORMS = [PLATFORM_LINUX, PLATFORM_BSD, PLATFORM_MACOS, PLATFORM_WINDOWS]
UNIX_PLATFORMS = [PLATFORM_LINUX, PLATFORM_BSD, PLATFORM_MACOS]
POSIX_PLATFORMS = [PLATFORM_LINUX, PLATFORM_BSD, PLATFORM_MACOS]

# The constraint_value of each platform (platforms/BUCK).
PLATFORM_CONSTRAINTS = {
    PLATFORM_BSD: "root//platforms:bsd",
    PLATFORM_LINUX: "root//platforms:linux",
    PLATFORM_MACOS: "root//platforms:macos",
    PLATFORM_WINDOWS: "root//platforms:windows",
}

def _check(platform):
    if platform not in ALL_PLATFORMS:
        fail("unknown platform {} (known: {})".format(repr(platform), ", ".join(ALL_PLATFORMS)))

def platform_labels(platforms):
    """["linux", "bsd"] -> ["platform:linux", "platform:bsd"]."""
    out = []
    for p in platforms:
        _check(p)
        out.append("platform:" + p)
    return out

def platform_filegroup(name, srcs, platforms = [PLATFORM_LINUX], visibility = None, labels = []):
    """A filegroup tagged "platform:<p>" for each platform, for
    buck2 query 'attrfilter(labels, "platform:linux", //...)'."""
    if not platforms:
        fail("platform_filegroup({}): platforms is empty".format(repr(name)))
    kwargs = {}
    if visibility != None:
        kwargs["visibility"] = visibility
    native.filegroup(name = name, srcs = srcs, labels = labels + platform_labels(platforms), **kwargs)

def platform_select(values, default = None):
    """{PLATFORM_LINUX: x, PLATFORM_BSD: y} -> a dict for select(), keyed by constraint.

    Use it as select(platform_select({...}, default = [])). Without default, a platform
    missing from values fails to configure, as select() does.
    """
    out = {}
    for p in sorted(values.keys()):
        _check(p)
        out[PLATFORM_CONSTRAINTS[p]] = values[p]
    if default != None:
        out["DEFAULT"] = default
    return out

def is_platform_supported(platform, platforms):
    _check(platform)
    return platform in platforms
