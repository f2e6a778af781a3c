# Fixture ebuild that dies in global scope.
EAPI=8
DESCRIPTION="Broken fixture"
die "broken on purpose"
SLOT="0"
