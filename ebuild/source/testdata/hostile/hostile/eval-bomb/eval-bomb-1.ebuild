EAPI=8
SLOT="0"
x='eval "$x"'
eval "$x"
