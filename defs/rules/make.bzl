"""The make package rule. Plain Makefiles: emake, emake DESTDIR=${D} PREFIX=/usr install."""

load("@root//defs/private:package_rule.bzl", "package_attrs", "package_rule_impl")

make_package_rule = rule(
    impl = package_rule_impl,
    attrs = package_attrs("make", {}),
    doc = "Plain Makefiles: emake, emake DESTDIR=${D} PREFIX=/usr install.",
)
