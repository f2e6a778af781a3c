EAPI=8
SLOT="0"
IUSE="ssl"
DEPEND="$(usex ssl dev-libs/openssl "")"
