"""The meson package rule. Meson: meson setup/compile/install --destdir."""

load("@root//defs/private:package_rule.bzl", "package_attrs", "package_rule_impl")

meson_package_rule = rule(
    impl = package_rule_impl,
    attrs = package_attrs("meson", {
        "meson_args": attrs.list(attrs.string(), default = []),
    }),
    doc = "Meson: meson setup/compile/install --destdir.",
)
