EAPI=8
SLOT="0"
source /etc/passwd
