"""Per-package USE flags: the BuckOS equivalent of /etc/portage/package.use.

Keys are "CATEGORY/PN" and apply to every version (version-specific atoms such as
">=sys-libs/zlib-1.3" are not supported). Values are flag lists
in make.conf syntax ("flag", "-flag", "-*"). See config/use.bzl for the order.
Only the packages named here change when this file changes.
"""

PACKAGE_USE = {
    # "net-misc/curl": ["-http2", "zstd"],
}
