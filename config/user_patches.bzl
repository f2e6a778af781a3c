"""User patches: the BuckOS equivalent of /etc/portage/patches/CATEGORY/PN/.

Maps "CATEGORY/PN" to patch labels, applied in order by eapply_user (in the default
src_prepare, or wherever the package calls eapply_user), after the package's own patches.
Keep the files in the workspace so builds stay hermetic, e.g.

    config/patches/app-arch/lz4/fix.patch                      (the file)
    export_file(name = "lz4-fix.patch", src = "patches/app-arch/lz4/fix.patch",
                visibility = ["PUBLIC"])                         (in config/BUCK)
    USER_PATCHES = {"app-arch/lz4": ["root//config:lz4-fix.patch"]}   (here)

Only the packages named here change when this file changes.
"""

USER_PATCHES = {}
