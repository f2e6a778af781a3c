"""The macro behind every *_package: USE, REQUIRED_USE, dependency items, sources, labels.

Every argument is named in the signature: an argument a macro does not know is a
Starlark error, never silently dropped (the seed's VALID_EBUILD_KWARGS lost src_prepare).
"""

load("@root//config:user_patches.bzl", "USER_PATCHES")
load("@root//defs/private:checksum.bzl", "check_checksum", "distfile_name", "uri_basename")
load("@root//defs/private:deps.bzl", "kind_of", "resolve_deps", "resolve_values", "use_if")
load("@root//defs/private:depspec.bzl", "flatten_conditionals", "required_use_problem")
load("@root//defs/private:eapi_table.bzl", "check_eapi")
load("@root//defs/private:registry.bzl", "find_entry", "package_key", "versions_newest_first")
load("@root//defs/private:version.bzl", "parse_version", "version_matches")
load("@root//defs/private:use.bzl", "use_state")
load("@root//defs:licenses.bzl", "check_license")
load("@root//defs/rules:autotools.bzl", "autotools_package_rule")
load("@root//defs/rules:cargo.bzl", "cargo_package_rule")
load("@root//defs/rules:cmake.bzl", "cmake_package_rule")
load("@root//defs/rules:ebuild.bzl", "ebuild_package_rule")
load("@root//defs/rules:go.bzl", "go_package_rule")
load("@root//defs/rules:make.bzl", "make_package_rule")
load("@root//defs/rules:meson.bzl", "meson_package_rule")
load("@root//defs/rules:meta.bzl", "meta_package_rule")
load("@root//defs/rules:perl.bzl", "perl_package_rule")
load("@root//defs/rules:python.bzl", "python_package_rule")
load("@root//defs/rules:source.bzl", "download_source_rule")

_RULES = {
    "autotools": autotools_package_rule,
    "cargo": cargo_package_rule,
    "cmake": cmake_package_rule,
    "ebuild": ebuild_package_rule,
    "go": go_package_rule,
    "make": make_package_rule,
    "meson": meson_package_rule,
    "perl": perl_package_rule,
    "python": python_package_rule,
}

# Build-system attributes, and the macro that accepts each.
_BS_ATTRS = {
    "bins": ["cargo", "go"],
    "cargo_args": ["cargo"],
    "cmake_args": ["cmake"],
    "go_packages": ["go"],
    "meson_args": ["meson"],
    "python": ["python"],
}

_RESTRICT_DOWNLOAD = ["fetch", "mirror", "primaryuri"]

def _truthy(s):
    return s.lower() in ["1", "true", "yes", "on"]

def _list(x):
    if x == None:
        return []
    if type(x) == "list":
        return x
    if type(x) == "tuple":
        return list(x)
    return [x]

def download(
        name,
        src_uri = [],
        sha256 = None,
        sha512 = None,
        blake2b = None,
        size = None,
        signature_uri = None,
        gpg_key = None,
        gpg_keyring = None,
        auto_detect_signature = False,
        mirrors = None,
        restrict = [],
        filename = None,
        labels = [],
        visibility = ["PUBLIC"]):
    """download_source: checks everything it can at load time, then declares the rule."""
    what = "download_source(name = {})".format(repr(name))
    uris = _list(src_uri)
    for u in uris:
        if type(u) != "string" or "://" not in u:
            fail("{}: src_uri entry {} is not a URI".format(what, repr(u)))
    if sha256 == None and sha512 == None and blake2b == None:
        fail("{}: give at least one checksum (sha512 and blake2b as in a Manifest, or sha256)".format(what))
    sums = {}
    for algo, value in [("sha256", sha256), ("sha512", sha512), ("blake2b", blake2b)]:
        if value != None:
            sums[algo] = check_checksum(what, algo, value)
    if size != None and (type(size) != "int" or size < 0):
        fail("{}: size must be a non-negative int, got {}".format(what, repr(size)))
    for r in restrict:
        if r not in _RESTRICT_DOWNLOAD:
            fail("{}: restrict {} is not one of {}".format(what, repr(r), _RESTRICT_DOWNLOAD))
    if not uris and "fetch" not in restrict:
        fail("{}: src_uri is empty (only RESTRICT=fetch distfiles may have no URI)".format(what))
    if gpg_key != None and signature_uri == None and not auto_detect_signature:
        fail("{}: gpg_key needs signature_uri or auto_detect_signature = True".format(what))
    if mirrors == None:
        mirrors = [m for m in read_root_config("buckos", "mirrors", "").split(" ") if m != ""]
    download_source_rule(
        name = name,
        filename = distfile_name(name, uris, filename),
        src_uri = uris,
        sha256 = sums.get("sha256", ""),
        sha512 = sums.get("sha512", ""),
        blake2b = sums.get("blake2b", ""),
        size = size,
        signature_uri = signature_uri or "",
        gpg_key = gpg_key or "",
        gpg_keyring = gpg_keyring,
        auto_detect_signature = auto_detect_signature,
        mirrors = mirrors,
        restrict = restrict,
        distdir = read_root_config("buckos", "distdir", ""),
        verify_signatures = _truthy(read_root_config("buckos", "verify_signatures", "true")),
        labels = labels + ["buckos:distfile"],
        visibility = visibility,
    )

def epatch(patches, strip = 1):
    """Seed epatch()/eapply(): a hook (pre_configure = epatch([...])) applying patches."""
    return struct(buckos_kind = "epatch", patches = _list(patches), strip = strip)

def _file_key(path):
    """Where a file lands under ${FILESDIR}: "files/a/b.patch" -> "a/b.patch"."""
    if path.startswith("files/"):
        return path[len("files/"):]
    if ":" in path:
        return path.split(":")[-1]
    return path.split("/")[-1]

def _hook_text(value, files, what):
    """A pre_configure/post_install hook: a shell string, an epatch(), or a list of them."""
    lines = []
    for item in _list(value):
        k = kind_of(item)
        if k == "string":
            lines.append(item)
        elif k == "epatch":
            for p in item.patches:
                key = _file_key(p)
                files[key] = p
                lines.append("eapply -p{} \"${{FILESDIR}}/{}\"".format(item.strip, key))
        else:
            fail("{}: a hook must be shell text or epatch(...), got {}".format(what, repr(item)))
    return "\n".join(lines)

def _use_map_items(mapping, what):
    """{"flag": [...], "-flag": [...]} (seed use_deps/use_patches) -> use_if items."""
    out = []
    for key in sorted(mapping.keys()):
        flag = "!" + key[1:] if key.startswith("-") else key
        out.append(use_if(flag, _list(mapping[key])))
    return out

def _license_names(license, use, iuse_flags, what):
    if not license:
        return []
    known = {f: True for f in iuse_flags}

    def flag_on(name):
        return name in known and name in use

    names = {}
    for tok in flatten_conditionals(license, flag_on, what + ": LICENSE"):
        names[tok] = True
    return sorted(names.keys())

def _target_only(values):
    """values on target platforms, [] on the execution platform.

    A package configured for the execution platform (a BDEPEND tool) is built with the
    host toolchain, and its own BDEPEND is satisfied by the host, as Portage satisfies
    BDEPEND of BDEPEND from the installed system. This is what breaks Gentoo's
    build-time cycles (go needs go; perl, libxcrypt and libcrypt; glibc and gcc).
    Target platforms carry a root//platforms:toolchain constraint; the execution
    platform (prelude//platforms:default) does not.
    """
    if not values:
        return []
    return select({
        "root//platforms:toolchain-bootstrap": values,
        "root//platforms:toolchain-host": values,
        "DEFAULT": [],
    })

def _split_atom(atom):
    """"<cat/pkg-2:1[x]" -> (op, "cat/pkg", "2", "1"); op and version are "" without an operator."""
    op = ""
    for candidate in ["<=", ">=", "<", ">", "=", "~"]:
        if atom.startswith(candidate):
            op = candidate
            atom = atom[len(candidate):]
            break
    if "[" in atom:
        atom = atom[:atom.find("[")]
    slot = ""
    if ":" in atom:
        atom, slot = atom.split(":", 1)
        slot = slot.split("/")[0].rstrip("=*")
    if op == "":
        return ("", atom, "", slot)
    wildcard = atom.endswith("*")
    if wildcard:
        atom = atom[:-1]
    for i in range(len(atom)):
        if atom[i] == "-" and i + 1 < len(atom) and atom[i + 1].isdigit() and parse_version(atom[i + 1:]) != None:
            return (op, atom[:i], atom[i + 1:] + ("*" if wildcard else ""), slot)
    fail("blocker: {} has an operator but no version".format(repr(op + atom)))

def _blocked(spec):
    """What a blocker blocks, for the runner: "CAT/PN" (every version), exact
    "CAT/PN-PVR" entries (a version range or slot, matched against the registry), or
    "*/NAME" for a label of a package the registry does not know."""
    if "//" in spec:
        key, entry = find_entry(package_key(spec) or spec)
        if entry != None and "package" in entry:
            return [entry["package"]]
        tail = spec.split(":")[-1] if ":" in spec.split("//")[-1] else spec.split("//")[-1].split("/")[-1]
        return ["*/" + tail]
    op, package, version, slot = _split_atom(spec)
    if op == "" and slot == "":
        return [package]
    key, entry = find_entry(package)
    if entry == None:
        # Not in the workspace, so no version of it can be in a closure.
        return []
    versions = entry.get("versions", {})
    out = []
    for v in versions_newest_first(entry, key):
        if slot and versions[v].get("slot", "0") != slot:
            continue
        if op and not version_matches(op + version, v):
            continue
        out.append("{}-{}".format(package, v))
    return out

def package_target(
        build_system,
        name,
        version,
        package = None,
        category = None,
        slot = "0",
        subslot = None,
        eapi = "8",
        description = "",
        homepage = [],
        license = "",
        keywords = [],
        masked = False,
        iuse = [],
        use_defaults = [],
        use = [],
        required_use = "",
        restrict = [],
        properties = [],
        docs = [],
        srcs = [],
        source = None,
        src_uri = None,
        sha256 = None,
        sha512 = None,
        blake2b = None,
        size = None,
        signature_uri = None,
        gpg_key = None,
        auto_detect_signature = False,
        files = [],
        patches = [],
        use_patches = {},
        depend = [],
        bdepend = [],
        rdepend = [],
        pdepend = [],
        idepend = [],
        deps = [],
        build_deps = [],
        runtime_deps = [],
        use_deps = {},
        configure_args = [],
        make_args = [],
        install_args = [],
        use_configure = {},
        use_options = {},
        cmake_args = None,
        meson_args = None,
        cargo_args = None,
        bins = None,
        go_packages = None,
        python = None,
        phases = {},
        default_phases = None,
        pkg_setup = None,
        src_unpack = None,
        src_prepare = None,
        src_configure = None,
        src_compile = None,
        src_test = None,
        src_install = None,
        pre_configure = None,
        post_install = None,
        eclasses = [],
        eclass_srcs = [],
        env = {},
        run_tests = None,
        unbuildable_reasons = [],
        labels = [],
        platforms = None,
        visibility = ["PUBLIC"]):
    """Declares one package target (and its inline download_source, if any).

    unbuildable_reasons are problems the generator found in the ebuild itself (e.g. a
    patch its PATCHES names that the repository lacks): like an unresolved dependency,
    they make the build of this version fail before any phase, not loading or analysis.
    """
    if package == None:
        package = (category or "local") + "/" + name
    if "/" not in package:
        fail("{}: package must be CATEGORY/PN, got {}".format(name, repr(package)))
    what = "{}-{}".format(package, version)
    check_eapi(what, eapi)

    # Build-system attributes go only to the macro of that build system.
    bs_values = {"bins": bins, "cargo_args": cargo_args, "cmake_args": cmake_args, "go_packages": go_packages, "meson_args": meson_args, "python": python}
    extra = {}
    for attr_name in sorted(bs_values.keys()):
        if bs_values[attr_name] == None:
            continue
        if build_system not in _BS_ATTRS[attr_name]:
            fail("{}: {} is not an attribute of {} packages (it belongs to: {})".format(what, attr_name, build_system, ", ".join(_BS_ATTRS[attr_name])))
        extra[attr_name] = bs_values[attr_name]

    # USE: IUSE (+defaults), use_defaults (seed), then global and per-package configuration.
    iuse_tokens = list(iuse)
    present = {t.lstrip("+-"): i for i, t in enumerate(iuse_tokens)}
    for f in use_defaults:
        if f in present:
            iuse_tokens[present[f]] = "+" + f
        else:
            iuse_tokens.append("+" + f)
    state = use_state(package, iuse_tokens, use)

    # Conditionals see the package's USE plus the profile's implicit flags (amd64,
    # elibc_glibc, kernel_linux, prefix, ...), as in Portage.
    eff = state.all_on
    flags = state.all_flags
    # Everything that makes this version unbuildable with the chosen USE is collected,
    # not fail()ed: loading and analysis of the whole file succeed, and `buck2 build` of
    # this version fails before any phase with the messages (Portage refuses such a
    # version only when it is selected).
    # REQUIRED_USE is evaluated twice: with the defaults (IUSE defaults and the profile)
    # and with the effective USE. If the defaults satisfy it, the user's settings broke
    # it: loading fails, naming them. If the defaults already violate it (Gentoo leaves
    # the choice to the user, e.g. a Python target), this version is unbuildable until
    # the user chooses: it loads and analyses, and its build fails before any phase.
    unbuildable = ["{}: {}".format(what, r) for r in unbuildable_reasons]
    problem = required_use_problem(what, required_use, eff, flags, state.use)
    if problem != None:
        if required_use_problem(what, required_use, state.defaults_all_on, flags) == None:
            fail(problem + "\n  The defaults (IUSE and the profile) satisfy it: your USE settings (config/use.bzl, [buckos] use, config/package_use.bzl, use = [...]) broke it.")
        unbuildable.append(problem + "\n  The defaults (IUSE and the profile) already violate it: set USE for this package with package_use (config/package_use.bzl).")
    accept = [t for t in read_root_config("buckos", "accept_license", "").split(" ") if t != ""]
    if accept and license:
        check_license(what, license, accept, eff)

    # Dependencies.
    use_dep_items = _use_map_items(use_deps, what)
    dep_res = resolve_deps(_list(depend) + _list(deps) + use_dep_items, eff, flags, what + ": depend")
    rdep_res = resolve_deps(_list(rdepend) + _list(deps) + _list(runtime_deps) + use_dep_items, eff, flags, what + ": rdepend")
    bdep_res = resolve_deps(_list(bdepend) + _list(build_deps), eff, flags, what + ": bdepend")
    pdep_res = resolve_deps(_list(pdepend), eff, flags, what + ": pdepend")
    idep_res = resolve_deps(_list(idepend), eff, flags, what + ": idepend")
    blockers = {}
    for res in [dep_res, rdep_res, bdep_res]:
        unbuildable += [e for e in res.errors if e not in unbuildable]

    # PDEPEND and IDEPEND are not needed to build the package (they matter where a root
    # filesystem is assembled), so what they cannot resolve is recorded, not fatal.
    deferred = [e for e in pdep_res.errors + idep_res.errors]
    for res in [dep_res, rdep_res, bdep_res, pdep_res, idep_res]:
        for b in res.blockers:
            for pattern in _blocked(b[0]):
                blockers[pattern] = True

    # Sources and patches.
    src_values = []
    if source != None:
        src_values.append(source)
    if src_uri != None:
        dl_name = name + "-src"
        download(
            name = dl_name,
            src_uri = src_uri,
            sha256 = sha256,
            sha512 = sha512,
            blake2b = blake2b,
            size = size,
            signature_uri = signature_uri,
            gpg_key = gpg_key,
            auto_detect_signature = auto_detect_signature,
            filename = uri_basename(_list(src_uri)[0]),
            visibility = visibility,
        )
        src_values.append(":" + dl_name)
    elif sha256 != None or sha512 != None or blake2b != None:
        fail("{}: checksums were given without src_uri".format(what))
    src_values = src_values + resolve_values(_list(srcs), eff, flags, what + ": srcs")
    patch_values = resolve_values(_list(patches) + _use_map_items(use_patches, what), eff, flags, what + ": patches")

    filesdir = {}
    for f in resolve_values(_list(files), eff, flags, what + ": files"):
        filesdir[_file_key(f)] = f
    for p in patch_values:
        if type(p) == "string" and p.startswith("files/"):
            filesdir[_file_key(p)] = p

    # Arguments, with the seed's use_configure / use_options maps.
    use_args = []
    for mapping in [use_configure, use_options]:
        for key in sorted(mapping.keys()):
            flag = "!" + key[1:] if key.startswith("-") else key
            use_args.append(use_if(flag, _list(mapping[key])))
    cfg = resolve_values(configure_args, eff, flags, what + ": configure_args")
    if build_system == "cmake":
        extra["cmake_args"] = resolve_values(_list(extra.get("cmake_args", [])) + use_args, eff, flags, what + ": cmake_args")
    elif build_system == "meson":
        extra["meson_args"] = resolve_values(_list(extra.get("meson_args", [])) + use_args, eff, flags, what + ": meson_args")
    elif use_args:
        cfg = cfg + resolve_values(use_args, eff, flags, what + ": use_configure")
    for attr_name in ["cargo_args", "go_packages", "bins"]:
        if attr_name in extra:
            extra[attr_name] = resolve_values(_list(extra[attr_name]), eff, flags, what + ": " + attr_name)

    # Phases: the generated `phases` dict, plus the seed's per-phase strings and hooks.
    all_phases = dict(phases)
    for phase_name, body in [("pkg_setup", pkg_setup), ("src_unpack", src_unpack), ("src_prepare", src_prepare), ("src_configure", src_configure), ("src_compile", src_compile), ("src_test", src_test), ("src_install", src_install)]:
        if body != None:
            if phase_name in all_phases:
                fail("{}: {} is given both as an argument and in phases".format(what, phase_name))
            all_phases[phase_name] = body
    if pre_configure != None:
        all_phases["buckos_pre_src_configure"] = _hook_text(pre_configure, filesdir, what + ": pre_configure")
    if post_install != None:
        all_phases["buckos_post_src_install"] = _hook_text(post_install, filesdir, what + ": post_install")

    # Labels make packages queryable: buck2 cquery 'attrfilter(labels, "buckos:use:ssl", ...)'.
    all_labels = list(labels) + [
        "buckos:package:" + package,
        "buckos:version:" + version,
        "buckos:slot:" + slot,
        "buckos:eapi:" + eapi,
        "buckos:build:" + build_system,
    ]
    all_labels += ["buckos:keyword:" + k for k in keywords]
    all_labels += ["buckos:iuse:" + f for f in state.flags]
    all_labels += ["buckos:use:" + f for f in state.use]
    all_labels += ["buckos:license:" + l for l in _license_names(license, eff, flags, what)]
    if platforms != None or not [l for l in labels if l.startswith("platform:")]:
        all_labels += ["platform:" + p for p in _list(platforms or ["linux"])]
    if masked:
        all_labels.append("buckos:masked")
    all_labels += ["buckos:unresolved-post:" + e.split(": ", 2)[-1] for e in deferred]
    unique_labels = {}
    for l in all_labels:
        unique_labels[l] = True

    if default_phases != None:
        extra["build_system"] = default_phases
    if build_system == "meta":
        built = [n for n, v in [("srcs", src_values), ("patches", patch_values), ("phases", all_phases), ("configure_args", cfg), ("files", filesdir)] if v]
        if built:
            fail("{}: meta_package builds nothing, but {} given".format(what, ", ".join(built)))
        meta_package_rule(
            name = name,
            package = package,
            version = version,
            slot = slot,
            subslot = subslot or "",
            eapi = eapi,
            description = description,
            license = license,
            keywords = keywords,
            masked = masked,
            iuse = iuse_tokens,
            use = state.use,
            use_implicit = state.implicit_on,
            unbuildable = unbuildable,
            depend = dep_res.labels,
            bdepend = _target_only(bdep_res.labels),
            rdepend = rdep_res.labels,
            pdepend = pdep_res.labels,
            idepend = idep_res.labels,
            use_reqs = dep_res.use_reqs + [r for r in rdep_res.use_reqs if r not in dep_res.use_reqs],
            labels = list(unique_labels.keys()),
            visibility = visibility,
        )
        return

    _RULES[build_system](
        name = name,
        package = package,
        version = version,
        slot = slot,
        subslot = subslot or "",
        eapi = eapi,
        description = description,
        homepage = _list(homepage),
        license = license,
        keywords = keywords,
        masked = masked,
        iuse = iuse_tokens,
        use = state.use,
        use_implicit = state.implicit_on,
        iuse_implicit = state.implicit,
        unbuildable = unbuildable,
        required_use = required_use,
        restrict = resolve_values(_list(restrict), eff, flags, what + ": restrict"),
        properties = resolve_values(_list(properties), eff, flags, what + ": properties"),
        docs = resolve_values(_list(docs), eff, flags, what + ": docs"),
        srcs = src_values,
        files = [(k, filesdir[k]) for k in sorted(filesdir.keys())],
        patches = patch_values,
        depend = dep_res.labels,
        bdepend = _target_only(bdep_res.labels),
        rdepend = rdep_res.labels,
        pdepend = pdep_res.labels,
        idepend = idep_res.labels,
        use_reqs = dep_res.use_reqs + [r for r in rdep_res.use_reqs if r not in dep_res.use_reqs],
        bdepend_use_reqs = _target_only(bdep_res.use_reqs),
        blockers = sorted(blockers.keys()),
        configure_args = cfg,
        make_args = resolve_values(_list(make_args), eff, flags, what + ": make_args"),
        install_args = resolve_values(_list(install_args), eff, flags, what + ": install_args"),
        phases = all_phases,
        eclasses = eclasses,
        eclass_srcs = eclass_srcs,
        env = env,
        run_tests = _truthy(read_root_config("buckos", "run_tests", "false")) if run_tests == None else run_tests,
        user_patches = list(USER_PATCHES.get(package, [])),
        allow_network = _truthy(read_root_config("buckos", "allow_network_in_build", "false")),
        labels = list(unique_labels.keys()),
        visibility = visibility,
        **extra
    )
