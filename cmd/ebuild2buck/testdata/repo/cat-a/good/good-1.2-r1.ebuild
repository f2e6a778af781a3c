# Fixture ebuild for the command tests.
EAPI=8

inherit hello

DESCRIPTION="Fixture package"
HOMEPAGE="https://example.org/good"
SLOT="0/1"
KEYWORDS="~amd64 x86"
IUSE="+ssl test"
RESTRICT="!test? ( test )"
RDEPEND="ssl? ( >=dev-libs/openssl-3:= )
	|| ( cat-b/plain cat-b/other )"
DEPEND="${RDEPEND}"

src_compile() {
	:
}
