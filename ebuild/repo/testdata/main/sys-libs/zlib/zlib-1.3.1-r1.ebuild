EAPI=8
DESCRIPTION="fixture zlib-1.3.1-r1"
SLOT="0"
