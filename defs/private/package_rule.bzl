"""The package rule shared by every build system: attributes and implementation.

defs/rules/<build system>.bzl each create one rule with package_rule(); the public
macros in defs/package_defs.bzl resolve USE and dependency items before calling them.
"""

load(
    "@root//defs/private:providers.bzl",
    "BuckosToolchainInfo",
    "ImageTSet",
    "PackageInfo",
)

PHASE_NAMES = ["pkg_setup", "src_unpack", "src_prepare", "src_configure", "src_compile", "src_test", "src_install"]

def shell_quote(s):
    return "'" + s.replace("'", "'\"'\"'") + "'"

def _array(name, values):
    return "{}=({})".format(name, " ".join([shell_quote(v) for v in values]))

def split_version(version):
    """"1.2.3-r1" -> ("1.2.3", "r1"); "1.2.3" -> ("1.2.3", "r0")."""
    idx = version.rfind("-r")
    if idx > 0 and version[idx + 2:].isdigit():
        return (version[:idx], version[idx + 1:])
    return (version, "r0")

def common_attrs():
    """Attributes every package rule has (one per item of docs/GENERATED_BUCK.md)."""
    return {
        "allow_network": attrs.bool(default = False, doc = "Build without network isolation when none is available."),
        "bdepend": attrs.list(attrs.exec_dep(providers = [PackageInfo]), default = [], doc = "BDEPEND: tools for the execution platform."),
        "bdepend_use_reqs": attrs.list(attrs.tuple(attrs.exec_dep(providers = [PackageInfo]), attrs.list(attrs.string())), default = []),
        "blockers": attrs.list(attrs.string(), default = [], doc = "CATEGORY/PN that must not be in the closure."),
        "configure_args": attrs.list(attrs.string(), default = []),
        "depend": attrs.list(attrs.dep(providers = [PackageInfo]), default = [], doc = "DEPEND: staged into the sysroot with their RDEPEND closure."),
        "description": attrs.string(default = ""),
        "docs": attrs.list(attrs.string(), default = [], doc = "DOCS, relative to S, for einstalldocs."),
        "eapi": attrs.string(default = "8"),
        "eclass_srcs": attrs.list(attrs.source(), default = [], doc = "Eclass files (packages/eclasses/REPO/NAME.eclass) the runner may inherit."),
        "eclasses": attrs.list(attrs.string(), default = []),
        "env": attrs.dict(attrs.string(), attrs.string(), default = {}),
        "unbuildable": attrs.list(attrs.string(), default = [], doc = "Why this version cannot be built with its USE (REQUIRED_USE, unresolved or unmatched dependencies): `buck2 build` fails before any phase with these."),
        "files": attrs.list(attrs.tuple(attrs.string(), attrs.source(allow_directory = True)), default = [], doc = "(path under files/, file or directory): staged as ${FILESDIR}."),
        "homepage": attrs.list(attrs.string(), default = []),
        "idepend": attrs.list(attrs.string(), default = []),
        "install_args": attrs.list(attrs.string(), default = []),
        "iuse": attrs.list(attrs.string(), default = []),
        "iuse_implicit": attrs.list(attrs.string(), default = [], doc = "The profile's implicit IUSE (arch, elibc_*, kernel_*, prefix)."),
        "keywords": attrs.list(attrs.string(), default = []),
        "labels": attrs.list(attrs.string(), default = [], doc = "Query labels (buckos:*, platform:*)."),
        "license": attrs.string(default = ""),
        "make_args": attrs.list(attrs.string(), default = []),
        "masked": attrs.bool(default = False),
        "package": attrs.string(doc = "CATEGORY/PN"),
        "patches": attrs.list(attrs.source(allow_directory = True), default = [], doc = "Patch files or directories of patches (eapply)."),
        "pdepend": attrs.list(attrs.string(), default = []),
        "phases": attrs.dict(attrs.string(), attrs.string(), default = {}, doc = "Phase (and helper) functions kept verbatim."),
        "properties": attrs.list(attrs.string(), default = []),
        "rdepend": attrs.list(attrs.dep(providers = [PackageInfo]), default = [], doc = "RDEPEND: runtime edges, carried in PackageInfo.runtime."),
        "required_use": attrs.string(default = ""),
        "restrict": attrs.list(attrs.string(), default = []),
        "run_tests": attrs.bool(default = False),
        "slot": attrs.string(default = "0"),
        "srcs": attrs.list(attrs.source(allow_directory = True), default = [], doc = "Distfiles (download_source targets, files or source directories): Gentoo's A."),
        "subslot": attrs.string(default = ""),
        "use": attrs.list(attrs.string(), default = [], doc = "The effective USE, resolved by the macro."),
        "user_patches": attrs.list(attrs.source(allow_directory = True), default = [], doc = "config/user_patches.bzl entries (eapply_user)."),
        "use_implicit": attrs.list(attrs.string(), default = [], doc = "Enabled implicit flags (amd64, elibc_glibc, kernel_linux)."),
        "use_reqs": attrs.list(attrs.tuple(attrs.dep(providers = [PackageInfo]), attrs.list(attrs.string())), default = []),
        "version": attrs.string(doc = "PVR"),
        "_runner": attrs.source(default = "root//defs/scripts:phase_runner.sh"),
        "_toolchain": attrs.dep(default = "toolchains//:buckos", providers = [BuckosToolchainInfo]),
    }

def use_requirement_problems(what, dep, reqs):
    """The USE requirements of reqs that dep (a PackageInfo dependency) does not meet."""
    info = dep[PackageInfo]
    out = []
    for r in reqs:
        name = r
        default = ""
        if name.endswith("(+)") or name.endswith("(-)"):
            default = name[-2]
            name = name[:-3]
        want = not name.startswith("-")
        name = name.lstrip("-")
        if name in info.iuse:
            on = name in info.use
        elif default == "+":
            on = True
        elif default == "-":
            on = False
        else:
            out.append("{}: USE dependency {}[{}]: flag {} is not in the IUSE of {}-{}".format(what, info.package, r, repr(name), info.package, info.version))
            continue
        if on != want:
            out.append("{}: needs {}[{}] but {}-{} is built with USE=\"{}\"; {} {} for {} in config/package_use.bzl".format(
                what,
                info.package,
                r,
                info.package,
                info.version,
                " ".join(info.use),
                "enable" if want else "disable",
                name,
                info.package,
            ))
    return out

def check_use_requirement(what, dep, reqs):
    """Fails when dep was not built with the USE that reqs demand."""
    problems = use_requirement_problems(what, dep, reqs)
    if problems:
        fail("\n".join(problems))

def unbuildable_action(ctx, runner, outputs, what, problems):
    """An action that fails at once with problems, binding outputs: `buck2 build` of this
    target fails before any phase, while loading and analysis succeed."""
    args = ["bash", runner, "--unbuildable", what]
    for o in outputs:
        args.extend(["--output", o.as_output()])
    for p in problems:
        args.extend(["--problem", p])
    ctx.actions.run(cmd_args(args), category = "buckos_unbuildable", identifier = what)

def _phase_text(name, body):
    stripped = body.strip()
    if stripped.startswith(name + "()") or stripped.startswith(name + " ()") or stripped.startswith("function " + name):
        return stripped
    return "{}() {{\n{}\n}}".format(name, body)

def ebuild_text(ctx):
    """The package definition the phase runner sources: variables, then phases."""
    a = ctx.attrs
    category, pn = a.package.split("/", 1) if "/" in a.package else ("local", a.package)
    pv, pr = split_version(a.version)
    lines = [
        "# Generated by the BuckOS package rule for {}-{}.".format(a.package, a.version),
        "CATEGORY=" + shell_quote(category),
        "PN=" + shell_quote(pn),
        "PV=" + shell_quote(pv),
        "PR=" + shell_quote(pr),
        "PVR=" + shell_quote(a.version),
        "PF=" + shell_quote(pn + "-" + a.version),
        "P=" + shell_quote(pn + "-" + pv),
        "SLOT=" + shell_quote(a.slot + ("/" + a.subslot if a.subslot else "")),
        "EAPI=" + shell_quote(a.eapi),
        "IUSE=" + shell_quote(" ".join(a.iuse)),
        "IUSE_EFFECTIVE=" + shell_quote(" ".join([f.lstrip("+-") for f in a.iuse] + a.iuse_implicit)),
        "USE=" + shell_quote(" ".join(a.use + a.use_implicit)),
        "RESTRICT=" + shell_quote(" ".join(a.restrict)),
        "PROPERTIES=" + shell_quote(" ".join(a.properties)),
        "LICENSE=" + shell_quote(a.license),
        "DESCRIPTION=" + shell_quote(a.description),
        "HOMEPAGE=" + shell_quote(" ".join(a.homepage)),
        "INHERITED=" + shell_quote(" ".join(a.eclasses)),
        "BUCKOS_BUILD_SYSTEM=" + shell_quote(a.build_system),
        _array("BUCKOS_CONFIGURE_ARGS", a.configure_args),
        _array("BUCKOS_MAKE_ARGS", a.make_args),
        _array("BUCKOS_INSTALL_ARGS", a.install_args),
    ]
    if a.docs:
        lines.append(_array("DOCS", a.docs))
    for k in sorted(a.env.keys()):
        lines.append("export {}={}".format(k, shell_quote(a.env[k])))
    if a.eclasses:
        # The ebuild's `inherit` line: eclasses staged from eclass_srcs are sourced with
        # PMS semantics (EXPORT_FUNCTIONS); the ebuild's own functions come after.
        lines.append("inherit " + " ".join(a.eclasses))
    return lines

def package_impl(ctx, extra_lines = []):
    """The analysis of one package: one build action producing the installed image."""
    a = ctx.attrs
    what = "{}-{}".format(a.package, a.version)
    problems = list(a.unbuildable)
    for pair in a.use_reqs + a.bdepend_use_reqs:
        problems += use_requirement_problems(what, pair[0], pair[1])

    text = ebuild_text(ctx) + extra_lines
    for name in sorted(a.phases.keys()):
        text.append(_phase_text(name, a.phases[name]))
    ebuild = ctx.actions.write("ebuild.sh", "\n".join(text) + "\n")

    image = ctx.actions.declare_output("image", dir = True)
    logs = ctx.actions.declare_output("logs", dir = True)
    toolchain = a._toolchain[BuckosToolchainInfo]

    sysroot = ctx.actions.tset(ImageTSet, children = [d[PackageInfo].runtime for d in a.depend])
    tool_sets = [d[PackageInfo].runtime for d in a.bdepend]
    if toolchain.tools != None:
        tool_sets.append(toolchain.tools)
    tools = ctx.actions.tset(ImageTSet, children = tool_sets)

    args = [
        "bash",
        a._runner,
        "--image",
        image.as_output(),
        "--logs",
        logs.as_output(),
        "--ebuild",
        ebuild,
        "--toolchain-mode",
        toolchain.mode,
        "--allow-network",
        "1" if a.allow_network else "0",
        "--run-tests",
        "1" if a.run_tests else "0",
    ]
    for s in a.srcs:
        args.extend(["--distfile", s])
    for p in a.patches:
        args.extend(["--patch", p])
    for p in a.user_patches:
        args.extend(["--user-patch", p])
    for e in a.eclass_srcs:
        args.extend(["--eclass", e])
    for pair in a.files:
        args.extend(["--file", pair[0], pair[1]])
    for b in a.blockers:
        args.extend(["--blocker", b])
    args.append(sysroot.project_as_args("sysroot"))
    args.append(tools.project_as_args("tools"))
    if problems:
        unbuildable_action(ctx, a._runner, [image, logs], what, problems)
    else:
        ctx.actions.run(cmd_args(args), category = "buckos_build", identifier = what)

    runtime = ctx.actions.tset(
        ImageTSet,
        value = struct(pf = "{}-{}".format(a.package, a.version), image = image),
        children = [d[PackageInfo].runtime for d in a.rdepend],
    )
    return [
        DefaultInfo(
            default_output = image,
            sub_targets = {
                "ebuild": [DefaultInfo(default_output = ebuild)],
                "logs": [DefaultInfo(default_output = logs)],
            },
        ),
        package_info(a, image, runtime, a.build_system),
    ]

# Build-system attributes and the shell arrays they become in ebuild.sh.
_EXTRA_ARRAYS = {
    "bins": "BUCKOS_BINS",
    "cargo_args": "BUCKOS_CARGO_ARGS",
    "cmake_args": "BUCKOS_CMAKE_ARGS",
    "go_packages": "BUCKOS_GO_PACKAGES",
    "meson_args": "BUCKOS_MESON_ARGS",
}

def package_attrs(build_system, extra_attrs):
    """The attributes of the rule for one build system."""
    attrs_dict = common_attrs()
    attrs_dict["build_system"] = attrs.string(default = build_system, doc = "Which default phases the runner uses.")
    for k, v in extra_attrs.items():
        attrs_dict[k] = v
    return attrs_dict

def package_rule_impl(ctx):
    """The implementation shared by every package rule."""
    extra = []
    for attr_name in sorted(_EXTRA_ARRAYS.keys()):
        values = getattr(ctx.attrs, attr_name, None)
        if values != None:
            extra.append(_array(_EXTRA_ARRAYS[attr_name], values))
    python = getattr(ctx.attrs, "python", None)
    if python:
        extra.append("PYTHON=" + shell_quote(python))
    return package_impl(ctx, extra)

def package_info(a, image, runtime, build_system):
    """The PackageInfo of a package target: a are its attributes, image its installed
    image, runtime the ImageTSet of its runtime closure."""
    return PackageInfo(
        package = a.package,
        version = a.version,
        slot = a.slot,
        subslot = a.subslot,
        iuse = [f.lstrip("+-") for f in a.iuse],
        use = a.use,
        image = image,
        runtime = runtime,
        pdepend = a.pdepend,
        idepend = a.idepend,
        license = a.license,
        build_system = build_system,
    )
