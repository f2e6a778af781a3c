EAPI=8
SLOT="0"
for (( ;; )); do x=1; done
