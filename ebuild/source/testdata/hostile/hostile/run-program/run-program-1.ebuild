EAPI=8
SLOT="0"
ls -l /
