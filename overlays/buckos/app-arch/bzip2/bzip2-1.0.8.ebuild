# Copyright 2026 BuckOS authors
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="High-quality data compressor based on the Burrows-Wheeler transform"
HOMEPAGE="https://sourceware.org/bzip2/"
SRC_URI="https://sourceware.org/pub/${PN}/${P}.tar.gz"

LICENSE="BZIP2"
SLOT="0/1"
KEYWORDS="amd64 ~arm64"
IUSE="static-libs"

src_compile() {
	emake -f Makefile-libbz2_so CC="${CC:-cc}" CFLAGS="${CFLAGS} -fPIC"
	emake CC="${CC:-cc}" CFLAGS="${CFLAGS}" bzip2 bzip2recover
}

src_install() {
	dobin bzip2 bzip2recover
	dosym bzip2 /usr/bin/bunzip2
	dosym bzip2 /usr/bin/bzcat
	dolib.so libbz2.so.${PV}
	dosym libbz2.so.${PV} /usr/$(get_libdir)/libbz2.so.1
	dosym libbz2.so.1 /usr/$(get_libdir)/libbz2.so
	use static-libs && dolib.a libbz2.a
	doheader bzlib.h
	doman bzip2.1
	einstalldocs
}
