# Fixture eclass: adds a flag and a build dependency, exports src_install.
IUSE="hello-flag"
BDEPEND="dev-build/make"

hello_src_install() {
	:
}

EXPORT_FUNCTIONS src_install
