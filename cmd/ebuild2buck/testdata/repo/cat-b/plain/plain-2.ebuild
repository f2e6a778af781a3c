EAPI=7
DESCRIPTION="Plain fixture"
SLOT="2"
