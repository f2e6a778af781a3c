"""The package_set rule: a named group of packages (Portage's @set)."""

load("@root//defs/private:providers.bzl", "ImageTSet", "PackageInfo", "PackageSetInfo")

def runtime_of(dep, what):
    """The RDEPEND-closure tset of a package or package set dependency."""
    if dep.get(PackageInfo) != None:
        return dep[PackageInfo].runtime
    if dep.get(PackageSetInfo) != None:
        return dep[PackageSetInfo].runtime
    fail("{}: {} is neither a package nor a package set".format(what, dep.label))

def _package_set_impl(ctx):
    children = [runtime_of(d, str(ctx.label)) for d in ctx.attrs.packages]
    images = []
    for d in ctx.attrs.packages:
        if d.get(PackageInfo) != None:
            images.append(d[PackageInfo].image)
    return [
        DefaultInfo(default_outputs = images),
        PackageSetInfo(runtime = ctx.actions.tset(ImageTSet, children = children), members = ctx.attrs.members),
    ]

package_set_rule = rule(
    impl = _package_set_impl,
    attrs = {
        "description": attrs.string(default = ""),
        "labels": attrs.list(attrs.string(), default = []),
        "members": attrs.list(attrs.string(), default = []),
        "packages": attrs.list(attrs.dep(), default = []),
    },
    doc = "A set of packages and package sets; building it builds every member.",
)
