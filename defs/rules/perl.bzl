"""The perl package rule. Perl modules (Makefile.PL or Build.PL, INSTALLDIRS=vendor)."""

load("@root//defs/private:package_rule.bzl", "package_attrs", "package_rule_impl")

perl_package_rule = rule(
    impl = package_rule_impl,
    attrs = package_attrs("perl", {}),
    doc = "Perl modules (Makefile.PL or Build.PL, INSTALLDIRS=vendor).",
)
