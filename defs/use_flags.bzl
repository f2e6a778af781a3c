"""USE flags: dependency items, use_package, package_use. See docs/USE_AND_DEPS.md.

The effective USE of a package is computed at load time from its IUSE defaults,
config/use.bzl, [buckos] use, config/package_use.bzl and the macro's `use`, and becomes
the package's `use` attribute: changing a flag changes exactly the targets it affects.
"""

load(
    "@root//defs/private:deps.bzl",
    _any_of = "any_of",
    _blocker = "blocker",
    _slot_op = "slot_op",
    _unresolved = "unresolved",
    _use_if = "use_if",
    _use_req = "use_req",
)
load("@root//defs/private:package_macro.bzl", "package_target")
load("@root//defs/private:use.bzl", "effective_use", "global_use", "package_use_tokens")

def use_if(flag, items, else_items = []):
    """`flag? ( items )`; "!flag" for `!flag? ( )`; else_items when the condition is false."""
    return _use_if(flag, items, else_items)

def any_of(items):
    """`|| ( items )`: the first alternative whose package exists in the registry."""
    return _any_of(items)

def blocker(label, strong = False):
    """`!atom` / `!!atom`: the blocked package must not be in the same closure."""
    return _blocker(label, strong)

def use_req(label, flags):
    """`atom[flags]`: "ssl", "-foo", "bar?", "!bar?", "baz=", "!baz=", "x(+)", "y(-)"."""
    return _use_req(label, flags)

def slot_op(label, op = "="):
    """`:=`, `:*`, `:SLOT=`: a rebuild-on-subslot-change marker."""
    return _slot_op(label, op)

def unresolved(atom, reason):
    """An atom `ebuild2buck sync` could not resolve: a target fails (at analysis, naming the
    atom and the reason) only if its USE selects it; any_of skips it."""
    return _unresolved(atom, reason)

def use_package(name, **kwargs):
    """The seed's USE-aware autotools package: iuse, use_defaults, use_deps,
    use_configure, use_patches, plus everything autotools_package takes."""
    package_target("autotools", name = name, **kwargs)

def package_use(package, iuse, use = []):
    """The effective USE (sorted enabled flags) of CATEGORY/PN with IUSE iuse.

    Per-package settings (Portage's package.use) live in config/package_use.bzl;
    this function answers what they add up to, for use in BUCK files and custom rules.
    """
    return effective_use(package, iuse, use)

def get_global_use():
    """Global USE tokens: config/use.bzl followed by [buckos] use."""
    return global_use()

def get_package_use(package):
    """The config/package_use.bzl tokens of CATEGORY/PN."""
    return package_use_tokens(package)

def use_enable(flag, option = None, value = None):
    """use_if for autotools --enable-X / --disable-X."""
    opt = option or flag.lstrip("!")
    on = "--enable-" + opt + ("=" + value if value else "")
    return _use_if(flag, [on], ["--disable-" + opt])

def use_with(flag, option = None, value = None):
    """use_if for autotools --with-X / --without-X."""
    opt = option or flag.lstrip("!")
    on = "--with-" + opt + ("=" + value if value else "")
    return _use_if(flag, [on], ["--without-" + opt])

def use_cmake(flag, option = None):
    """use_if for CMake -DOPTION=ON/OFF."""
    opt = option or flag.lstrip("!").upper()
    return _use_if(flag, ["-D" + opt + "=ON"], ["-D" + opt + "=OFF"])

def use_meson(flag, option = None):
    """use_if for Meson features: -DOPTION=enabled/disabled."""
    opt = option or flag.lstrip("!")
    return _use_if(flag, ["-D" + opt + "=enabled"], ["-D" + opt + "=disabled"])
