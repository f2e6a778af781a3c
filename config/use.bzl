"""Global USE flags: the BuckOS equivalent of USE= in /etc/portage/make.conf.

Order of application (later wins), for every package:
  1. IUSE defaults of the package ("+flag"), then the profile's USE (config/profile.bzl)
  2. USE below
  3. [buckos] use = ... in .buckconfig (or --config buckos.use="...")
  4. PACKAGE_USE in config/package_use.bzl for that package
  5. the `use` argument of the package macro itself
"-flag" turns a flag off, "-*" turns every flag off. Flags a package does not have
in IUSE are ignored for it, as Portage does.
"""

USE = []
