"""Lookups in packages/registry_data.bzl (written by `ebuild2buck sync`)."""

load("@root//defs/private:version.bzl", "sort_versions", "version_matches")
load("@root//packages:registry_data.bzl", "REGISTRY")

def registry():
    return REGISTRY

def package_key(label):
    """"core//zlib:zlib" -> "core//zlib"; None for relative labels (":x")."""
    if "//" not in label:
        return None
    if label.startswith("@"):
        label = label[1:]
    idx = label.find(":", label.find("//"))
    if idx < 0:
        return label
    return label[:idx]

def find_entry(name):
    """Finds a registry entry by "CELL//PKGDIR", "CELL/PKGDIR" or "CATEGORY/PN".

    Returns (key, entry) or (None, None).
    """
    if name in REGISTRY:
        return (name, REGISTRY[name])
    if "//" not in name and name.count("/") == 1:
        key = name.replace("/", "//")
        if key in REGISTRY:
            return (key, REGISTRY[key])
        for k, entry in REGISTRY.items():
            if entry.get("package") == name:
                return (k, entry)
    return (None, None)

def label_exists(label):
    """Whether a label's package is known. With an empty registry everything is."""
    key = package_key(label)
    if key == None or len(REGISTRY) == 0:
        return True
    return key in REGISTRY

# Each package's versions, newest first, sorted once when this module is loaded (it is
# frozen and shared by every BUCK file), not on every version_dep.
_NEWEST_FIRST = {k: sort_versions(list(v.get("versions", {}).keys())) for k, v in REGISTRY.items()}

def versions_newest_first(entry, key = None):
    """The versions of a registry entry, newest first."""
    if key != None and key in _NEWEST_FIRST:
        return _NEWEST_FIRST[key]
    return sort_versions(list(entry.get("versions", {}).keys()))

def target_name(key, entry, version):
    """The target of one version: PN-PVR, in the package's directory."""
    pn = entry.get("package", key.split("//")[-1]).split("/")[-1]
    return "{}:{}-{}".format(key, pn, version)

def default_alias(key):
    """"dev-libs//openssl" -> "dev-libs//openssl:openssl"."""
    return "{}:{}".format(key, key.split("//")[-1].split("/")[-1])

def resolve_version_dep(package, constraint, slot = None):
    """Returns (label, None) for the newest non-masked matching version, or (None, error).

    A package the registry does not know resolves to its default alias, unchecked.
    """
    key, entry = find_entry(package)
    if entry == None:
        return (default_alias(package_key(package) or package), None)
    versions = entry.get("versions", {})
    newest = versions_newest_first(entry, key)
    matching = []
    for v in newest:
        info = versions[v]
        if info.get("status") == "masked" or info.get("masked", False):
            continue
        if slot != None and info.get("slot", "0") != slot:
            continue
        if version_matches(constraint, v):
            matching.append(v)

    # Like Portage with ACCEPT_KEYWORDS="amd64": the newest stable match; else the
    # newest testing one; else any other non-masked one (unkeyworded, live).
    for want in ["stable", "testing", None]:
        for v in matching:
            if want == None or versions[v].get("status") == want:
                return (target_name(key, entry, v), None)
    return (None, "version_dep({}, {}{}): no non-masked version matches; the registry has {}".format(
        repr(package),
        repr(constraint),
        ", slot = " + repr(slot) if slot != None else "",
        ", ".join(["{} (slot {}, {})".format(v, versions[v].get("slot", "0"), versions[v].get("status", "?")) for v in newest]),
    ))
