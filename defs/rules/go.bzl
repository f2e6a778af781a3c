"""The go package rule. Go modules, GOFLAGS=-mod=vendor and GOPROXY=off."""

load("@root//defs/private:package_rule.bzl", "package_attrs", "package_rule_impl")

go_package_rule = rule(
    impl = package_rule_impl,
    attrs = package_attrs("go", {
        "bins": attrs.list(attrs.string(), default = []),
        "go_packages": attrs.list(attrs.string(), default = []),
    }),
    doc = "Go modules, GOFLAGS=-mod=vendor and GOPROXY=off.",
)
