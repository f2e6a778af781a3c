# Copyright 2026 BuckOS authors
# Distributed under the terms of the GNU General Public License v2

EAPI=8

inherit buckos-utils

DESCRIPTION="BuckOS release files (/etc/os-release)"
HOMEPAGE="https://buckos.dev/"
S="${WORKDIR}"

LICENSE="MIT"
SLOT="0"
KEYWORDS="amd64 ~arm64"
IUSE="+compression"

RDEPEND="compression? ( virtual/compression )"

src_install() {
	insinto /usr/lib
	buckos_os_release "${FILESDIR}"/os-release.in > "${T}"/os-release || die
	doins "${T}"/os-release
	dosym ../usr/lib/os-release /etc/os-release
}
