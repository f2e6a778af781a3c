EAPI=8
DESCRIPTION="fixture zlib-1.10"
SLOT="0"
