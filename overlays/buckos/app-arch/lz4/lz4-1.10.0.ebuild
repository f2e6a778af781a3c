# Copyright 2026 BuckOS authors
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Extremely fast lossless compression library and tool"
HOMEPAGE="https://lz4.org/ https://github.com/lz4/lz4"
SRC_URI="https://github.com/lz4/lz4/archive/v${PV}.tar.gz -> ${P}.tar.gz"

LICENSE="BSD-2 GPL-2"
SLOT="0/1"
KEYWORDS="amd64 ~arm64"
IUSE="static-libs"

lz4_make() {
	emake PREFIX="${EPREFIX}/usr" LIBDIR="${EPREFIX}/usr/$(get_libdir)" \
		BUILD_STATIC=$(usex static-libs yes no) "$@"
}

src_compile() {
	lz4_make
}

src_install() {
	lz4_make DESTDIR="${D}" install
	einstalldocs
}
