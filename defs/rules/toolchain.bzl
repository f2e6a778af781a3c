"""The BuckOS toolchain rule: bootstrap (built from packages) or host."""

load("@root//defs/private:providers.bzl", "BuckosToolchainInfo", "ImageTSet", "PackageInfo")

def _toolchain_impl(ctx):
    tools = None
    if ctx.attrs.packages:
        tools = ctx.actions.tset(ImageTSet, children = [p[PackageInfo].runtime for p in ctx.attrs.packages])
    if ctx.attrs.mode not in ["bootstrap", "host"]:
        fail("{}: mode must be \"bootstrap\" or \"host\", got {}".format(ctx.label, repr(ctx.attrs.mode)))
    return [
        DefaultInfo(),
        BuckosToolchainInfo(mode = ctx.attrs.mode, tools = tools, host_path = ""),
    ]

buckos_toolchain = rule(
    impl = _toolchain_impl,
    attrs = {
        "labels": attrs.list(attrs.string(), default = []),
        "mode": attrs.string(),
        # Stage packages for the bootstrap mode. They are exec deps, so they are built
        # for the execution platform, which uses the host toolchain: no cycle.
        "packages": attrs.list(attrs.exec_dep(providers = [PackageInfo]), default = []),
    },
    doc = "A BuckOS toolchain. mode = \"host\" uses the host's compilers; \"bootstrap\" puts only the images of `packages` on PATH.",
)

def buckos_toolchain_alias(name, bootstrap, host, visibility = ["PUBLIC"]):
    """The toolchain every package uses: selected by platform, or forced to the host
    toolchain by [buckos] use_host_toolchain = true."""
    if read_root_config("buckos", "use_host_toolchain", "false").lower() in ["true", "1", "yes"]:
        actual = host
    else:
        actual = select({
            "root//platforms:toolchain-bootstrap": bootstrap,
            "DEFAULT": host,
        })
    native.alias(name = name, actual = actual, visibility = visibility)
