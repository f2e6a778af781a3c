EAPI=8
SLOT="0"
echo pwned > /tmp/buckos-hostile-write
