"""The cmake package rule. CMake: cmake -S -B, cmake --build, cmake --install with DESTDIR."""

load("@root//defs/private:package_rule.bzl", "package_attrs", "package_rule_impl")

cmake_package_rule = rule(
    impl = package_rule_impl,
    attrs = package_attrs("cmake", {
        "cmake_args": attrs.list(attrs.string(), default = []),
    }),
    doc = "CMake: cmake -S -B, cmake --build, cmake --install with DESTDIR.",
)
