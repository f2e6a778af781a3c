"""Lookups in packages/registry_data.bzl (written by `ebuild2buck sync`)."""

load("@root//defs/private:version.bzl", "sort_versions")
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

def versions_newest_first(entry):
    return sort_versions(list(entry.get("versions", {}).keys()))

def target_name(key, entry, version):
    """The target of one version: PN-PVR, in the package's directory."""
    pn = entry.get("package", key.split("//")[-1]).split("/")[-1]
    return "{}:{}-{}".format(key, pn, version)
