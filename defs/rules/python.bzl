"""The python package rule. Python (PEP 517 via pip wheel, no index, no build isolation)."""

load("@root//defs/private:package_rule.bzl", "package_attrs", "package_rule_impl")

python_package_rule = rule(
    impl = package_rule_impl,
    attrs = package_attrs("python", {
        "python": attrs.string(default = "python3"),
    }),
    doc = "Python (PEP 517 via pip wheel, no index, no build isolation).",
)
