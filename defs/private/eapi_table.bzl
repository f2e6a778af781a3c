"""The EAPIs BuckOS builds, and what differs between them for the build action."""

EAPI_TABLE = {
    "6": struct(default_src_prepare_patches = True, has_bdepend = False, has_idepend = False, has_ver_funcs = False),
    "7": struct(default_src_prepare_patches = True, has_bdepend = True, has_idepend = False, has_ver_funcs = True),
    "8": struct(default_src_prepare_patches = True, has_bdepend = True, has_idepend = True, has_ver_funcs = True),
    "9": struct(default_src_prepare_patches = True, has_bdepend = True, has_idepend = True, has_ver_funcs = True),
}

def check_eapi(what, eapi):
    if eapi not in EAPI_TABLE:
        fail("{}: EAPI {} is not supported (supported: {})".format(what, repr(eapi), ", ".join(sorted(EAPI_TABLE.keys()))))
    return EAPI_TABLE[eapi]
