"""The autotools package rule. GNU autotools: econf, emake, emake DESTDIR=${D} install (configure_make_package, autotools_package)."""

load("@root//defs/private:package_rule.bzl", "package_attrs", "package_rule_impl")

autotools_package_rule = rule(
    impl = package_rule_impl,
    attrs = package_attrs("autotools", {}),
    doc = "GNU autotools: econf, emake, emake DESTDIR=${D} install (configure_make_package, autotools_package).",
)
