"""The ebuild package rule. Verbatim ebuild phases with PMS default phases (ebuild_package)."""

load("@root//defs/private:package_rule.bzl", "package_attrs", "package_rule_impl")

ebuild_package_rule = rule(
    impl = package_rule_impl,
    attrs = package_attrs("ebuild", {}),
    doc = "Verbatim ebuild phases with PMS default phases (ebuild_package).",
)
