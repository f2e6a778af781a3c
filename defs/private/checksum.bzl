"""Load-time validation of checksums and download arguments."""

_HEX = "0123456789abcdefABCDEF"

_LENGTHS = {
    "blake2b": 128,
    "sha256": 64,
    "sha512": 128,
}

def check_checksum(what, algo, value):
    """Fails unless value is a hex digest of the right length for algo."""
    want = _LENGTHS[algo]
    if type(value) != "string":
        fail("{}: {} must be a string of {} hex characters, got {}".format(what, algo, want, repr(value)))
    if len(value) != want:
        fail("{}: malformed {} checksum: {} characters, {} wants {} hex characters (got {})".format(
            what,
            algo,
            len(value),
            algo.upper(),
            want,
            repr(value),
        ))
    for i in range(len(value)):
        if value[i] not in _HEX:
            fail("{}: malformed {} checksum: {} is not a hex digit (got {})".format(what, algo, repr(value[i]), repr(value)))
    return value.lower()

_FILE_SUFFIXES = [
    ".tar",
    ".tgz",
    ".tbz2",
    ".txz",
    ".gz",
    ".bz2",
    ".xz",
    ".zst",
    ".lz",
    ".lzma",
    ".zip",
    ".jar",
    ".patch",
    ".diff",
    ".asc",
    ".sig",
    ".sign",
    ".crate",
    ".gem",
    ".whl",
    ".deb",
    ".rpm",
]

def uri_basename(uri):
    base = uri.split("?")[0].split("#")[0].rstrip("/")
    return base.split("/")[-1]

def distfile_name(name, uris, filename):
    """The file name the distfile is saved under.

    An explicit filename wins; a target named like a file (the generated form, where
    name is the distfile after `->` renames) keeps its name; otherwise (the seed's
    "musl-src") the name comes from the first URI.
    """
    if filename:
        return filename
    for suffix in _FILE_SUFFIXES:
        if name.endswith(suffix):
            return name
    if uris and uri_basename(uris[0]) == name:
        return name
    if uris:
        return uri_basename(uris[0])
    return name
