"""Queries on the package registry (packages/registry_data.bzl, written by sync)."""

load("@root//defs/private:registry.bzl", "find_entry", "registry", "target_name", "versions_newest_first")

def get_package_info(package):
    """The registry entry of "CELL//PKGDIR", "CELL/PKGDIR" or "CATEGORY/PN", or None."""
    return find_entry(package)[1]

def get_default_version(package):
    """The default version of a package, or None when the registry does not know it."""
    entry = get_package_info(package)
    if entry == None:
        return None
    return entry.get("default")

def get_versions(package):
    """All versions, newest first ([] when unknown)."""
    key, entry = find_entry(package)
    if entry == None:
        return []
    return versions_newest_first(entry, key)

def get_stable_versions(package):
    """Versions with status "stable", newest first."""
    key, entry = find_entry(package)
    if entry == None:
        return []
    return [v for v in versions_newest_first(entry, key) if entry["versions"][v].get("status") == "stable"]

def get_version_label(package, version):
    """The target of one version: "CELL//PKGDIR:PN-PVR"."""
    key, entry = find_entry(package)
    if entry == None:
        fail("get_version_label: {} is not in the registry".format(repr(package)))
    if version not in entry.get("versions", {}):
        fail("get_version_label: {} has no version {} (has {})".format(repr(package), repr(version), versions_newest_first(entry)))
    return target_name(key, entry, version)

def registry_packages():
    """Every "CELL//PKGDIR" in the registry, sorted."""
    return sorted(registry().keys())
