"""BuckOS package macros (the eclass-like public API). See docs/RULES.md.

Layers: these thin macros -> defs/private/package_macro.bzl (USE, REQUIRED_USE,
dependency items, labels) -> one rule per build system in defs/rules/ -> the phase
runner (defs/scripts/phase_runner.sh), one build action per package.
"""

load("@root//defs/private:eclass_table.bzl", "build_system_of")
load("@root//defs/private:package_macro.bzl", "download", "package_target", _epatch = "epatch")
load("@root//defs/rules:image.bzl", "boot_script_rule", "initramfs_rule", "raw_disk_image_rule")
load("@root//defs/rules:rootfs.bzl", "rootfs_rule")

def download_source(name, **kwargs):
    """A verified distfile.

    src_uri (string or list), sha256 and/or sha512/blake2b (checked by length at load
    time: 64 / 128 hex), size, signature_uri, gpg_key, gpg_keyring, auto_detect_signature,
    mirrors, restrict (["fetch", "mirror"]), filename. The local distfiles directory
    ([buckos] distdir) is tried first, then mirrors, then src_uri in order.
    """
    download(name = name, **kwargs)

def ebuild_package(name, eclasses = [], **kwargs):
    """Verbatim ebuild phases (`phases` or src_* strings) over the PMS default phases.

    Phases the package does not define come from its eclasses' build system (cmake,
    meson, ...) when it inherits one, else from PMS (econf if ./configure, emake,
    emake DESTDIR=$D install).
    """
    package_target("ebuild", name = name, eclasses = eclasses, default_phases = build_system_of(eclasses), **kwargs)

def autotools_package(name, **kwargs):
    """GNU autotools: econf (configure_args), emake (make_args), emake DESTDIR=$D install."""
    package_target("autotools", name = name, **kwargs)

def configure_make_package(name, **kwargs):
    """The seed's name for autotools_package."""
    package_target("autotools", name = name, **kwargs)

def make_package(name, **kwargs):
    """Plain Makefile: emake (make_args), emake DESTDIR=$D PREFIX=/usr install (install_args)."""
    package_target("make", name = name, **kwargs)

def cmake_package(name, **kwargs):
    """CMake: cmake_args, built out of tree, installed with DESTDIR."""
    package_target("cmake", name = name, **kwargs)

def meson_package(name, **kwargs):
    """Meson: meson_args (features as enabled/disabled/auto), installed with --destdir."""
    package_target("meson", name = name, **kwargs)

def cargo_package(name, **kwargs):
    """Cargo, offline: cargo_args, bins (installed from target/release)."""
    package_target("cargo", name = name, **kwargs)

def go_package(name, **kwargs):
    """Go modules with vendored dependencies: go_packages, bins."""
    package_target("go", name = name, **kwargs)

def python_package(name, **kwargs):
    """Python (PEP 517 wheel built and installed without network): python."""
    package_target("python", name = name, **kwargs)

def perl_package(name, **kwargs):
    """Perl modules: Makefile.PL or Build.PL, INSTALLDIRS=vendor."""
    package_target("perl", name = name, **kwargs)

def meta_package(name, **kwargs):
    """Nothing to build (virtual/*, acct-*): dependency edges only."""
    package_target("meta", name = name, **kwargs)

def epatch(patches, strip = 1):
    """A hook that applies patches: pre_configure = epatch(["fix.patch"])."""
    return _epatch(patches, strip)

def eapply(patches, strip = 1):
    """Same as epatch (the PMS name)."""
    return _epatch(patches, strip)

def rootfs(name, packages, visibility = ["PUBLIC"], labels = []):
    """A root filesystem: the packages (or package sets) and their RDEPEND closure merged."""
    rootfs_rule(name = name, packages = packages, visibility = visibility, labels = labels)

_KERNEL_IMAGES = {
    "arm64": "arch/arm64/boot/Image",
    "riscv": "arch/riscv/boot/Image",
    "x86_64": "arch/x86/boot/bzImage",
}

def kernel_build(name, source, version, config = None, arch = "x86_64", make_args = [], package = None, labels = [], visibility = ["PUBLIC"], **kwargs):
    """A Linux kernel: make olddefconfig (with config) or defconfig, the kernel image and
    modules, installed as boot/vmlinuz-VERSION, boot/config-VERSION, boot/System.map-VERSION
    and lib/modules. The build is an ebuild_package, so it is network-isolated and logged
    per phase like every package. source is a download_source target or a directory.
    """
    if arch not in _KERNEL_IMAGES:
        fail("kernel_build({}): arch must be one of {}".format(repr(name), sorted(_KERNEL_IMAGES.keys())))
    files = []
    cfg = ""
    if config != None:
        files = [config]
        cfg = config[len("files/"):] if config.startswith("files/") else config.split("/")[-1]
    margs = " ".join(["ARCH=" + arch] + make_args)
    package_target(
        "ebuild",
        name = name,
        package = package or "sys-kernel/" + name,
        version = version,
        srcs = [source],
        files = files,
        phases = {
            "src_unpack": "\n".join([
                "src_unpack() {",
                "\tdefault",
                "\tif [[ ! -d ${S} ]]; then",
                "\t\tlocal d=( \"${WORKDIR}\"/*/ )",
                "\t\t[[ ${#d[@]} -eq 1 ]] || die \"kernel_build: cannot tell the source directory in ${WORKDIR}\"",
                "\t\tS=${d[0]%/}",
                "\tfi",
                "}",
            ]),
            "src_configure": "\n".join([
                "src_configure() {",
                "\tif [[ -n \"{}\" ]]; then".format(cfg),
                "\t\tcp \"${{FILESDIR}}/{}\" .config || die \"kernel_build: no config\"".format(cfg),
                "\t\temake {} olddefconfig".format(margs),
                "\telse",
                "\t\temake {} defconfig".format(margs),
                "\tfi",
                "}",
            ]),
            "src_compile": "\n".join([
                "src_compile() {",
                "\temake {} {}".format(margs, _KERNEL_IMAGES[arch].split("/")[-1]),
                "\tif grep -q '^CONFIG_MODULES=y' .config; then emake {} modules; fi".format(margs),
                "}",
            ]),
            "src_install": "\n".join([
                "src_install() {",
                "\tinsinto /boot",
                "\tnewins {} vmlinuz-${{PV}}".format(_KERNEL_IMAGES[arch]),
                "\tnewins .config config-${PV}",
                "\t[[ -f System.map ]] && newins System.map System.map-${PV}",
                "\tif grep -q '^CONFIG_MODULES=y' .config; then emake {} INSTALL_MOD_PATH=\"${{D}}\" modules_install; fi".format(margs),
                "}",
            ]),
        },
        labels = labels + ["buckos:kernel"],
        visibility = visibility,
        **kwargs
    )

def initramfs(name, rootfs, compression = "gzip", init = "/sbin/init", visibility = ["PUBLIC"], labels = []):
    """A newc cpio initramfs of a rootfs target (compression: gzip, xz, zstd, lz4, none)."""
    initramfs_rule(name = name, rootfs = rootfs, compression = compression, init = init, visibility = visibility, labels = labels)

def raw_disk_image(name, rootfs, size = "4G", filesystem = "ext4", label = "buckos", partition_table = False, visibility = ["PUBLIC"], labels = []):
    """A raw ext2/3/4 disk image of a rootfs target, made without root (mke2fs -d);
    partition_table = True puts it in a GPT after a 256 MiB EFI partition (needs sfdisk)."""
    raw_disk_image_rule(name = name, rootfs = rootfs, size = size, filesystem = filesystem, label = label, partition_table = partition_table, visibility = visibility, labels = labels)

def qemu_boot_script(name, kernel, initramfs = None, disk_image = None, memory = "512M", cpus = 2, kernel_args = "console=ttyS0 init=/sbin/init", kvm = False, network_mode = "none", visibility = ["PUBLIC"], labels = []):
    """`buck2 run` boots kernel (a kernel_build target) in qemu-system-x86_64.
    network_mode: none, user (SSH on host port 2222) or tap."""
    boot_script_rule(name = name, vmm = "qemu", kernel = kernel, initramfs = initramfs, disk_image = disk_image, memory = memory, cpus = str(cpus), kernel_args = kernel_args, kvm = kvm, network_mode = network_mode, visibility = visibility, labels = labels)

def ch_boot_script(name, kernel, initramfs = None, disk_image = None, boot_mode = "direct", memory = "1G", cpus = "4", kernel_args = "console=ttyS0 root=/dev/vda rw", network_mode = "none", tap_name = "tap0", firmware = None, visibility = ["PUBLIC"], labels = []):
    """`buck2 run` boots kernel in Cloud Hypervisor. boot_mode: direct (kernel +
    initramfs), firmware (firmware = rust-hypervisor-fw or CLOUDHV), virtiofs
    (VIRTIOFS_PATH shared as the root filesystem). network_mode: none or tap."""
    if boot_mode not in ["direct", "firmware", "virtiofs"]:
        fail("ch_boot_script({}): boot_mode must be direct, firmware or virtiofs".format(repr(name)))
    boot_script_rule(name = name, vmm = "cloud-hypervisor", kernel = kernel, initramfs = initramfs, disk_image = disk_image, boot_mode = boot_mode, memory = memory, cpus = str(cpus), kernel_args = kernel_args, network_mode = network_mode, tap_name = tap_name, firmware = firmware, visibility = visibility, labels = labels)
