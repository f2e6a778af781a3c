# Copyright 2026 BuckOS authors
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Virtual for the compression tools every BuckOS system has"
SLOT="0"
KEYWORDS="amd64 ~arm64"
IUSE="+lz4"

RDEPEND="
	app-arch/bzip2
	lz4? ( >=app-arch/lz4-1.9:= )
"
