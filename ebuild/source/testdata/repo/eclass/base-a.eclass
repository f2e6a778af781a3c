# Test eclass: sets accumulated variables and exports a phase.
if [[ -z ${_BASE_A_ECLASS} ]]; then
_BASE_A_ECLASS=1

IUSE="a-flag"
DEPEND="dev-libs/a"
RDEPEND="dev-libs/a-run"
BDEPEND="dev-build/a-tool"
IDEPEND="dev-libs/a-install"
RESTRICT="a-restrict"
PROPERTIES="a-prop"
HOMEPAGE="https://a.example"
BASE_A_VAR=from-a

base-a_src_compile() { echo compiling; }
base-a_src_install() { echo installing; }

EXPORT_FUNCTIONS src_compile src_install
fi
