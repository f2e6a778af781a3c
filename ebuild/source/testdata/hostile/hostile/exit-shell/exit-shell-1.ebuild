EAPI=8
SLOT="0"
exit 0
