"""EAPI constants and checks (the build-relevant part; eapi/ in Go is the full table)."""

load("@root//defs/private:eapi_table.bzl", "EAPI_TABLE", "check_eapi")

SUPPORTED_EAPIS = sorted(EAPI_TABLE.keys())
DEFAULT_EAPI = "8"
LATEST_EAPI = "9"

EAPI_FEATURES = {
    "bdepend": ["7", "8", "9"],
    "idepend": ["8", "9"],
    "src_uri_prefixes": ["8", "9"],
    "usev_second_arg": ["8", "9"],
    "ver_funcs": ["7", "8", "9"],
}

def require_eapi(what, eapi):
    """Fails unless BuckOS builds this EAPI."""
    check_eapi(what, eapi)

def eapi_has_feature(eapi, feature):
    if feature not in EAPI_FEATURES:
        fail("unknown EAPI feature {} (known: {})".format(repr(feature), ", ".join(sorted(EAPI_FEATURES.keys()))))
    return eapi in EAPI_FEATURES[feature]

def is_supported_eapi(eapi):
    return eapi in EAPI_TABLE
