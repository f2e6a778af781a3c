"""Multiple versions, slots and version constraints. See docs/USE_AND_DEPS.md."""

load("@root//defs/private:deps.bzl", "version_dep_item")
load("@root//defs/private:package_macro.bzl", "package_target")
load("@root//defs/private:registry.bzl", "resolve_version_dep")
load("@root//defs/private:version.bzl", "sort_versions", "version_compare")

_STATUSES = ["stable", "testing", "deprecated", "unkeyworded", "masked"]

def compare_versions(a, b):
    """-1, 0 or 1 by PMS version rules."""
    return version_compare(a, b)

def version_dep(package, constraint, slot = None):
    """A dependency on the newest non-masked registry version of package matching constraint.

    package is "CELL//PKGDIR"; constraint is space-separated clauses: "1.2.3" (exact),
    ">=", ">", "<=", "<", "~>" (pessimistic), "1.2.*", "=1.2*" (PMS prefix), "~1.2"
    (any revision). slot narrows to one slot.

    The result is a dependency item, resolved when a package macro selects it (so one
    inside a disabled use_if is never looked at). If nothing matches, only the package
    that selected it fails, at analysis, with the list of versions. A package the
    registry does not know (before the first sync, or hand-written) resolves to its
    default target, unchecked. version_dep_label() resolves at once.
    """
    return version_dep_item(package, constraint, slot)

def version_dep_label(package, constraint, slot = None):
    """The label version_dep would select, now; fails if nothing matches."""
    label, err = resolve_version_dep(package, constraint, slot)
    if err != None:
        fail(err)
    return label

def _status(info):
    if info.get("masked", False):
        return "masked"
    if "status" in info:
        if info["status"] not in _STATUSES:
            fail("status {} is not one of {}".format(repr(info["status"]), _STATUSES))
        return info["status"]
    keywords = info.get("keywords", [])
    for s in ["masked", "deprecated", "testing", "stable"]:
        if s in keywords:
            return s
    return "stable"

# Per-version keys of the seed's form that are not package arguments.
_VERSION_ONLY_KEYS = ["build_system", "keywords", "masked", "slot", "status", "subslot", "target"]

def multi_version_package(name, versions, default_version = None, build_system = "autotools", visibility = ["PUBLIC"], **common):
    """Several versions of one package, slot aliases and a default alias.

    versions maps VERSION to a dict with "slot", "subslot", "status" (stable, testing,
    deprecated, masked) or the seed's "keywords", and either "target" (an existing
    target, the generated form) or the package arguments (src_uri, sha256, configure_args,
    ...) to build NAME-VERSION with build_system (the seed's form); `common` arguments
    apply to every built version.

    Creates the alias NAME -> the default version (default_version, else the newest
    stable, else the newest non-masked) and, for built versions, one alias per slot
    named by the slot (dev-libs//openssl:3). For "target" entries the generator writes
    the slot aliases itself.
    """
    if not versions:
        fail("multi_version_package({}): versions is empty".format(repr(name)))
    targets = {}
    statuses = {}
    built = {}
    for v in sort_versions(list(versions.keys())):
        info = versions[v]
        statuses[v] = _status(info)
        if "target" in info:
            targets[v] = info["target"]
            continue
        args = dict(common)
        for k, value in info.items():
            if k not in _VERSION_ONLY_KEYS:
                args[k] = value
        if "package" not in args:
            args["package"] = "local/" + name
        package_target(
            info.get("build_system", build_system),
            name = "{}-{}".format(name, v),
            version = v,
            slot = info.get("slot", "0"),
            subslot = info.get("subslot"),
            keywords = info.get("keywords", []),
            masked = statuses[v] == "masked",
            visibility = visibility,
            **args
        )
        targets[v] = ":{}-{}".format(name, v)
        built[v] = True

    newest_first = sort_versions(list(versions.keys()))
    if default_version == None:
        for want in [["stable"], ["stable", "testing", "deprecated"]]:
            for v in newest_first:
                if statuses[v] in want:
                    default_version = v
                    break
            if default_version != None:
                break
    if default_version == None:
        if not built:
            # The generated form: sync omits default_version when no version is eligible
            # (all masked or live), and then NAME does not resolve.
            return
        fail("multi_version_package({}): every version is masked; give default_version".format(repr(name)))
    if default_version not in versions:
        fail("multi_version_package({}): default_version {} is not one of {}".format(repr(name), repr(default_version), newest_first))
    native.alias(name = name, actual = targets[default_version], visibility = visibility)

    slots = {}
    for v in newest_first:
        if v not in built or statuses[v] == "masked":
            continue
        s = versions[v].get("slot", "0")
        if s not in slots or v == default_version:
            slots[s] = v
    for s in sorted(slots.keys()):
        if s == name:
            continue
        native.alias(name = s, actual = targets[slots[s]], visibility = visibility)

def versioned_package(name, version, build_system = "autotools", **kwargs):
    """One version of a package as NAME-VERSION (for hand-written multi-version dirs)."""
    package_target(build_system, name = "{}-{}".format(name, version), version = version, **kwargs)
