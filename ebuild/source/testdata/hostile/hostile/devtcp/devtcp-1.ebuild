EAPI=8
SLOT="0"
exec 3<>/dev/tcp/127.0.0.1/80
