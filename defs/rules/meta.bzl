"""The meta package rule: nothing to build (virtual/*, acct-*), only dependency edges."""

load("@root//defs/private:package_rule.bzl", "package_info", "unbuildable_action", "use_requirement_problems")
load("@root//defs/private:providers.bzl", "ImageTSet", "PackageInfo")

def _meta_impl(ctx):
    a = ctx.attrs
    what = "{}-{}".format(a.package, a.version)
    problems = list(a.unbuildable)
    for pair in a.use_reqs:
        problems += use_requirement_problems(what, pair[0], pair[1])
    if problems:
        image = ctx.actions.declare_output("image", dir = True)
        unbuildable_action(ctx, a._runner, [image], what, problems)
    else:
        image = ctx.actions.symlinked_dir("image", {})
    runtime = ctx.actions.tset(
        ImageTSet,
        value = struct(pf = what, image = image),
        children = [d[PackageInfo].runtime for d in a.rdepend],
    )
    return [
        DefaultInfo(default_output = image),
        package_info(a, image, runtime, "none"),
    ]

meta_package_rule = rule(
    impl = _meta_impl,
    attrs = {
        "bdepend": attrs.list(attrs.exec_dep(providers = [PackageInfo]), default = []),
        "depend": attrs.list(attrs.dep(providers = [PackageInfo]), default = []),
        "description": attrs.string(default = ""),
        "eapi": attrs.string(default = "8"),
        "unbuildable": attrs.list(attrs.string(), default = []),
        "idepend": attrs.list(attrs.string(), default = []),
        "iuse": attrs.list(attrs.string(), default = []),
        "keywords": attrs.list(attrs.string(), default = []),
        "labels": attrs.list(attrs.string(), default = []),
        "license": attrs.string(default = ""),
        "masked": attrs.bool(default = False),
        "package": attrs.string(),
        "pdepend": attrs.list(attrs.string(), default = []),
        "rdepend": attrs.list(attrs.dep(providers = [PackageInfo]), default = []),
        "slot": attrs.string(default = "0"),
        "subslot": attrs.string(default = ""),
        "use": attrs.list(attrs.string(), default = []),
        "use_implicit": attrs.list(attrs.string(), default = []),
        "use_reqs": attrs.list(attrs.tuple(attrs.dep(providers = [PackageInfo]), attrs.list(attrs.string())), default = []),
        "version": attrs.string(),
        "_runner": attrs.source(default = "root//defs/scripts:phase_runner.sh"),
    },
    doc = "A package with nothing to build: an empty image plus its RDEPEND edges.",
)
