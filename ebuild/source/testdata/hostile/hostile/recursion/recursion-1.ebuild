EAPI=8
SLOT="0"
f() { f; }
f
