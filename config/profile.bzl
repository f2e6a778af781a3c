"""The system profile: BuckOS's equivalent of Gentoo's make.profile.

Values follow Gentoo's default/linux/amd64/23.0 profile: the USE it enables (including
USE_EXPAND defaults such as PYTHON_TARGETS and ABI_X86), and the implicit IUSE every
package has without declaring it (PMS IUSE_IMPLICIT and USE_EXPAND_IMPLICIT: ARCH,
ELIBC, KERNEL). config/use.bzl (make.conf) and config/package_use.bzl apply on top.
"""

PROFILE = {
    "name": "default/linux/amd64/23.0",
    # Profile USE, applied right after the IUSE defaults of a package.
    "use": [
        "acl",
        "bzip2",
        "crypt",
        "gdbm",
        "iconv",
        "ipv6",
        "libtirpc",
        "ncurses",
        "nls",
        "pam",
        "pcre",
        "readline",
        "seccomp",
        "ssl",
        "unicode",
        "xattr",
        "zlib",
        "abi_x86_64",
        "ada_target_gcc_15",
        "cpu_flags_x86_mmx",
        "cpu_flags_x86_mmxext",
        "cpu_flags_x86_sse",
        "cpu_flags_x86_sse2",
        "input_devices_libinput",
        "lua_single_target_lua5-1",
        "lua_targets_lua5-1",
        "php_targets_php8-3",
        "postgres_targets_postgres17",
        "python_single_target_python3_14",
        "python_targets_python3_14",
        "ruby_targets_ruby33",
        "video_cards_amdgpu",
        "video_cards_fbdev",
        "video_cards_intel",
        "video_cards_nouveau",
        "video_cards_radeon",
        "video_cards_radeonsi",
        "video_cards_vesa",
    ],
    # Flags in every package's IUSE without being declared (IUSE_IMPLICIT).
    "iuse_implicit": ["abi_x86_64", "prefix", "prefix-guest", "prefix-stack"],
    # USE_EXPAND_IMPLICIT: (flag prefix, possible values, the profile's value).
    "use_expand_implicit": [
        ("", ["alpha", "amd64", "arm", "arm64", "arm64-macos", "hppa", "loong", "m68k", "mips", "ppc", "ppc64", "riscv", "s390", "sparc", "x64-macos", "x64-solaris", "x86"], "amd64"),
        ("elibc_", ["bionic", "Darwin", "glibc", "mingw", "musl", "SunOS"], "glibc"),
        ("kernel_", ["Darwin", "Hurd", "linux", "SunOS"], "linux"),
    ],
}
