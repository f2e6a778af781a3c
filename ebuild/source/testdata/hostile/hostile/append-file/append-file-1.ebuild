EAPI=8
SLOT="0"
f() {
	echo pwned >> "${T}/log"
}
f
