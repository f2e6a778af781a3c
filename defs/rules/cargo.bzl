"""The cargo package rule. Cargo, offline (crates must be vendored into the sources)."""

load("@root//defs/private:package_rule.bzl", "package_attrs", "package_rule_impl")

cargo_package_rule = rule(
    impl = package_rule_impl,
    attrs = package_attrs("cargo", {
        "bins": attrs.list(attrs.string(), default = []),
        "cargo_args": attrs.list(attrs.string(), default = []),
    }),
    doc = "Cargo, offline (crates must be vendored into the sources).",
)
