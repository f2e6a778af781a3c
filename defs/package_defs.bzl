"""BuckOS package macros (the eclass-like public API). See docs/RULES.md.

Layers: these thin macros -> defs/private/package_macro.bzl (USE, REQUIRED_USE,
dependency items, labels) -> one rule per build system in defs/rules/ -> the phase
runner (defs/scripts/phase_runner.sh), one build action per package.
"""

load("@root//defs/private:eclass_table.bzl", "build_system_of")
load("@root//defs/private:package_macro.bzl", "download", "package_target", _epatch = "epatch")
load("@root//defs/rules:rootfs.bzl", "rootfs_rule")

def download_source(name, **kwargs):
    """A verified distfile.

    src_uri (string or list), sha256 and/or sha512/blake2b (checked by length at load
    time: 64 / 128 hex), size, signature_uri, gpg_key, gpg_keyring, auto_detect_signature,
    mirrors, restrict (["fetch", "mirror"]), filename. The local distfiles directory
    ([buckos] distdir) is tried first, then mirrors, then src_uri in order.
    """
    download(name = name, **kwargs)

def ebuild_package(name, eclasses = [], **kwargs):
    """Verbatim ebuild phases (`phases` or src_* strings) over the PMS default phases.

    Phases the package does not define come from its eclasses' build system (cmake,
    meson, ...) when it inherits one, else from PMS (econf if ./configure, emake,
    emake DESTDIR=$D install).
    """
    package_target("ebuild", name = name, eclasses = eclasses, default_phases = build_system_of(eclasses), **kwargs)

def autotools_package(name, **kwargs):
    """GNU autotools: econf (configure_args), emake (make_args), emake DESTDIR=$D install."""
    package_target("autotools", name = name, **kwargs)

def configure_make_package(name, **kwargs):
    """The seed's name for autotools_package."""
    package_target("autotools", name = name, **kwargs)

def make_package(name, **kwargs):
    """Plain Makefile: emake (make_args), emake DESTDIR=$D PREFIX=/usr install (install_args)."""
    package_target("make", name = name, **kwargs)

def cmake_package(name, **kwargs):
    """CMake: cmake_args, built out of tree, installed with DESTDIR."""
    package_target("cmake", name = name, **kwargs)

def meson_package(name, **kwargs):
    """Meson: meson_args (features as enabled/disabled/auto), installed with --destdir."""
    package_target("meson", name = name, **kwargs)

def cargo_package(name, **kwargs):
    """Cargo, offline: cargo_args, bins (installed from target/release)."""
    package_target("cargo", name = name, **kwargs)

def go_package(name, **kwargs):
    """Go modules with vendored dependencies: go_packages, bins."""
    package_target("go", name = name, **kwargs)

def python_package(name, **kwargs):
    """Python (PEP 517 wheel built and installed without network): python."""
    package_target("python", name = name, **kwargs)

def perl_package(name, **kwargs):
    """Perl modules: Makefile.PL or Build.PL, INSTALLDIRS=vendor."""
    package_target("perl", name = name, **kwargs)

def meta_package(name, **kwargs):
    """Nothing to build (virtual/*, acct-*): dependency edges only."""
    package_target("meta", name = name, **kwargs)

def epatch(patches, strip = 1):
    """A hook that applies patches: pre_configure = epatch(["fix.patch"])."""
    return _epatch(patches, strip)

def eapply(patches, strip = 1):
    """Same as epatch (the PMS name)."""
    return _epatch(patches, strip)

def rootfs(name, packages, visibility = ["PUBLIC"], labels = []):
    """A root filesystem: the packages (or package sets) and their RDEPEND closure merged."""
    rootfs_rule(name = name, packages = packages, visibility = visibility, labels = labels)
