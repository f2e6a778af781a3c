EAPI=8
SLOT="0"
read -r DESCRIPTION < /etc/passwd
