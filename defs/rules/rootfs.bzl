"""The rootfs rule: the RDEPEND closure of some packages merged into one directory."""

load("@root//defs/private:providers.bzl", "ImageTSet", "RootfsInfo")
load("@root//defs/rules:package_set.bzl", "runtime_of")

def _rootfs_impl(ctx):
    closure = ctx.actions.tset(ImageTSet, children = [runtime_of(p, str(ctx.label)) for p in ctx.attrs.packages])
    root = ctx.actions.declare_output("rootfs", dir = True)
    ctx.actions.run(
        cmd_args(["bash", ctx.attrs._script, "--out", root.as_output(), closure.project_as_args("rootfs")]),
        category = "rootfs",
        identifier = str(ctx.label.name),
    )
    return [DefaultInfo(default_output = root), RootfsInfo(root = root)]

rootfs_rule = rule(
    impl = _rootfs_impl,
    attrs = {
        "labels": attrs.list(attrs.string(), default = []),
        "packages": attrs.list(attrs.dep(), default = [], doc = "Packages or package sets."),
        "_script": attrs.source(default = "root//defs/scripts:assemble_rootfs.sh"),
    },
    doc = "Merges the installed images of packages and their RDEPEND closure into one root filesystem directory.",
)
