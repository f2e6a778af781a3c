"""Effective USE of a package: IUSE defaults, global USE, package.use, explicit use."""

load("@root//config:package_use.bzl", "PACKAGE_USE")
load("@root//config:profile.bzl", "PROFILE")
load("@root//config:use.bzl", "USE")

def parse_iuse(iuse):
    """Splits IUSE tokens ("+foo", "-bar", "baz") into flag names and defaults.

    Returns struct(flags = [names in order], defaults = {name: True/False}) for the
    flags with an explicit default.
    """
    flags = []
    defaults = {}
    for tok in iuse:
        if tok.startswith("+"):
            name = tok[1:]
            defaults[name] = True
        elif tok.startswith("-"):
            name = tok[1:]
            defaults[name] = False
        else:
            name = tok
        if name == "" or name in flags:
            if name == "":
                fail("IUSE token {} has no flag name".format(repr(tok)))
            continue
        flags.append(name)
    return struct(flags = flags, defaults = defaults)

def _apply(state, tokens, known):
    for tok in tokens:
        if tok == "-*":
            for f in known:
                state[f] = False
        elif tok.startswith("-"):
            if tok[1:] in known:
                state[tok[1:]] = False
        elif tok.startswith("+"):
            if tok[1:] in known:
                state[tok[1:]] = True
        elif tok in known:
            state[tok] = True

def global_use():
    """Global USE tokens: config/use.bzl USE followed by [buckos] use."""
    return list(USE) + [t for t in read_root_config("buckos", "use", "").split(" ") if t != ""]

def package_use_tokens(package):
    """The package.use tokens for CATEGORY/PN from config/package_use.bzl."""
    return list(PACKAGE_USE.get(package, []))

def implicit_flags():
    """The implicit IUSE of every package: {flag: enabled} (IUSE_IMPLICIT, ARCH, ELIBC, KERNEL)."""
    profile_use = {f: True for f in PROFILE["use"]}
    out = {f: f in profile_use for f in PROFILE["iuse_implicit"]}
    for prefix, values, chosen in PROFILE["use_expand_implicit"]:
        for v in values:
            out[prefix + v] = (v == chosen)
    return out

def use_state(package, iuse, use = []):
    """Everything the macros need to evaluate USE conditionals of a package.

    struct(use = enabled IUSE flags, flags = IUSE flag names, implicit_on = enabled
    implicit flags, implicit = implicit flag names, all_on = use + implicit_on,
    all_flags = flags + implicit).
    """
    enabled = effective_use(package, iuse, use)
    defaults = default_use(iuse)
    flags = parse_iuse(iuse).flags
    implicit = implicit_flags()
    declared = {f: True for f in flags}
    implicit_names = sorted([f for f in implicit.keys() if f not in declared])
    implicit_on = [f for f in implicit_names if implicit[f]]
    return struct(
        use = enabled,
        defaults = defaults,
        defaults_all_on = defaults + implicit_on,
        flags = flags,
        implicit = implicit_names,
        implicit_on = implicit_on,
        all_on = enabled + implicit_on,
        all_flags = flags + implicit_names,
    )

def default_use(iuse):
    """The flags on by default: IUSE defaults, then the profile's USE (no user settings)."""
    parsed = parse_iuse(iuse)
    known = {f: True for f in parsed.flags}
    state = {f: parsed.defaults.get(f, False) for f in parsed.flags}
    _apply(state, PROFILE["use"], known)
    return sorted([f for f in parsed.flags if state[f]])

def effective_use(package, iuse, use = []):
    """The sorted list of enabled flags of package (CATEGORY/PN) with IUSE iuse."""
    parsed = parse_iuse(iuse)
    known = {f: True for f in parsed.flags}
    state = {f: parsed.defaults.get(f, False) for f in parsed.flags}
    _apply(state, PROFILE["use"], known)
    _apply(state, global_use(), known)
    _apply(state, package_use_tokens(package), known)
    for tok in use:
        name = tok.lstrip("+-")
        if tok != "-*" and name not in known:
            fail("{}: use = [...] names flag {} that is not in IUSE {}".format(package, repr(name), parsed.flags))
    _apply(state, use, known)
    return sorted([f for f in parsed.flags if state[f]])
