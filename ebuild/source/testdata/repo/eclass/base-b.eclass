# Test eclass: inherits base-a, adds its own values and overrides a phase.
inherit base-a

IUSE="b-flag"
DEPEND="dev-libs/b"

base-b_src_install() { base-a_src_install; }

EXPORT_FUNCTIONS src_install
