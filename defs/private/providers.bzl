"""Providers and transitive sets shared by every BuckOS rule."""

def _stage_sysroot(value):
    # One installed image of the build closure: staged into $SYSROOT by the runner.
    return cmd_args("--sysroot", value.pf, value.image)

def _stage_tools(value):
    # One installed image of the BDEPEND closure: its bin dirs go on PATH.
    return cmd_args("--tool", value.pf, value.image)

def _stage_rootfs(value):
    return cmd_args("--image", value.pf, value.image)

# Values are struct(pf = "CATEGORY/PF", image = installed image directory).
ImageTSet = transitive_set(args_projections = {
    "rootfs": _stage_rootfs,
    "sysroot": _stage_sysroot,
    "tools": _stage_tools,
})

PackageInfo = provider(fields = [
    "package",  # "CATEGORY/PN"
    "version",  # PVR
    "slot",
    "subslot",
    "iuse",  # flag names (no +/-)
    "use",  # the effective USE this target was built with
    "image",  # the installed image directory (Portage's ${D})
    "runtime",  # ImageTSet: this image plus its RDEPEND closure
    "pdepend",  # labels (strings) of PDEPEND, for whatever assembles a root filesystem
    "idepend",  # labels (strings) of IDEPEND
    "license",
    "build_system",
])

DistfileInfo = provider(fields = [
    "name",  # the distfile name (Gentoo's A entry)
    "file",  # the verified file
    "restrict",  # list: "fetch", "mirror"
])

BuckosToolchainInfo = provider(fields = [
    "mode",  # "bootstrap" or "host"
    "tools",  # ImageTSet or None: images whose bin dirs make up PATH (bootstrap)
    "host_path",  # PATH entries taken from the host ("" in bootstrap mode)
])

RootfsInfo = provider(fields = [
    "root",  # the assembled directory
])

PackageSetInfo = provider(fields = [
    "runtime",  # ImageTSet: every member and its RDEPEND closure
    "members",  # labels (strings) of the members, as declared
])
