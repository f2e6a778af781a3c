"""System image rules: initramfs, raw disk image, and VM boot scripts (QEMU, Cloud Hypervisor).

All of them run without root: the initramfs is written by a small newc writer, disk
images are populated with `mke2fs -d`, boot scripts are run with `buck2 run`.
"""

load("@root//defs/private:providers.bzl", "RootfsInfo")

def _root_of(dep, what):
    if dep.get(RootfsInfo) != None:
        return dep[RootfsInfo].root
    fail("{}: {} is not a rootfs target".format(what, dep.label))

def _initramfs_impl(ctx):
    a = ctx.attrs
    suffix = {"gzip": ".gz", "lz4": ".lz4", "none": "", "xz": ".xz", "zstd": ".zst"}
    if a.compression not in suffix:
        fail("{}: compression must be one of {}".format(ctx.label, sorted(suffix.keys())))
    out = ctx.actions.declare_output(ctx.label.name + ".cpio" + suffix[a.compression])
    ctx.actions.run(
        cmd_args(["bash", a._script, "initramfs", "--root", _root_of(a.rootfs, str(ctx.label)), "--out", out.as_output(), "--compression", a.compression, "--init", a.init]),
        category = "initramfs",
    )
    return [DefaultInfo(default_output = out)]

initramfs_rule = rule(
    impl = _initramfs_impl,
    attrs = {
        "compression": attrs.string(default = "gzip"),
        "init": attrs.string(default = "/sbin/init"),
        "labels": attrs.list(attrs.string(), default = []),
        "rootfs": attrs.dep(),
        "_script": attrs.source(default = "root//defs/scripts:make_image.sh"),
    },
    doc = "A newc cpio initramfs of a rootfs, compressed with gzip, xz, zstd, lz4 or none.",
)

def _disk_impl(ctx):
    a = ctx.attrs
    out = ctx.actions.declare_output(ctx.label.name + ".raw")
    args = ["bash", a._script, "disk", "--root", _root_of(a.rootfs, str(ctx.label)), "--out", out.as_output(), "--size", a.size, "--filesystem", a.filesystem, "--label", a.label]
    if a.partition_table:
        args.append("--partition-table")
    ctx.actions.run(cmd_args(args), category = "disk_image")
    return [DefaultInfo(default_output = out)]

raw_disk_image_rule = rule(
    impl = _disk_impl,
    attrs = {
        "filesystem": attrs.string(default = "ext4"),
        "label": attrs.string(default = "buckos"),
        "labels": attrs.list(attrs.string(), default = []),
        "partition_table": attrs.bool(default = False),
        "rootfs": attrs.dep(),
        "size": attrs.string(default = "4G"),
        "_script": attrs.source(default = "root//defs/scripts:make_image.sh"),
    },
    doc = "A raw disk image (ext2/3/4) of a rootfs, optionally inside a GPT with an EFI partition.",
)

def _boot_impl(ctx):
    a = ctx.attrs
    script = ctx.actions.copy_file(ctx.label.name + ".sh", a._script)
    args = [script, "--vmm", a.vmm, "--kernel", a.kernel, "--memory", a.memory, "--cpus", a.cpus, "--append", a.kernel_args, "--network", a.network_mode, "--tap", a.tap_name, "--boot-mode", a.boot_mode]
    if a.initramfs != None:
        args.extend(["--initrd", a.initramfs])
    if a.disk_image != None:
        args.extend(["--disk", a.disk_image])
    if a.firmware != None:
        args.extend(["--firmware", a.firmware])
    if a.kvm:
        args.append("--kvm")
    return [DefaultInfo(default_output = script), RunInfo(args = cmd_args(args))]

boot_script_rule = rule(
    impl = _boot_impl,
    attrs = {
        "boot_mode": attrs.string(default = "direct"),
        "cpus": attrs.string(default = "2"),
        "disk_image": attrs.option(attrs.source(), default = None),
        "firmware": attrs.option(attrs.source(), default = None),
        "initramfs": attrs.option(attrs.source(), default = None),
        "kernel": attrs.source(allow_directory = True),
        "kernel_args": attrs.string(default = "console=ttyS0"),
        "kvm": attrs.bool(default = False),
        "labels": attrs.list(attrs.string(), default = []),
        "memory": attrs.string(default = "512M"),
        "network_mode": attrs.string(default = "none"),
        "tap_name": attrs.string(default = "tap0"),
        "vmm": attrs.string(),
        "_script": attrs.source(default = "root//defs/scripts:boot_script.sh"),
    },
    doc = "A VM boot script; `buck2 run` it (it receives the kernel, initramfs and disk paths).",
)
