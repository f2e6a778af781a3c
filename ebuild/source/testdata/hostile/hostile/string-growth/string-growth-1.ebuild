EAPI=8
SLOT="0"
x=aaaaaaaaaaaaaaaa
while true; do x+=$x; done
