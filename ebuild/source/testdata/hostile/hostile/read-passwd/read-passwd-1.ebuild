EAPI=8
SLOT="0"
DESCRIPTION="$(< /etc/passwd)"
