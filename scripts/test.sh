#!/usr/bin/env bash
# The project's test command (README, .ci/run). Installs what the tests need,
# then runs every Go test. Corpus tests read ../shared through BUCKOS_SHARED;
# without it they skip and say what they need.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for tool in gcc make b2sum unshare xz bzip2 gpg; do
	command -v "$tool" >/dev/null 2>&1 || need_apt+=("$tool")
done
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
	declare -A pkg=([gcc]=gcc [make]=make [b2sum]=coreutils [unshare]=util-linux [xz]=xz-utils [bzip2]=bzip2 [gpg]=gnupg [time]=time)
	pkgs=()
	for t in "${need_apt[@]}"; do pkgs+=("${pkg[$t]}"); done
	echo "installing: ${pkgs[*]}"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}"
fi
command -v go >/dev/null 2>&1 || { echo "go 1.26 or newer is required on PATH" >&2; exit 1; }

go mod download
go vet ./...
go test -count=1 -timeout 45m ./...

# Fuzz targets: each must survive FUZZTIME without a panic (default a short
# smoke run; .ci/run and the issue's acceptance use 60s).
fuzztime="${FUZZTIME:-5s}"
for pkg in $(go list ./...); do
	for target in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
		echo "fuzz $pkg $target ($fuzztime)"
		# Go's fuzzer can end with a bare "context deadline exceeded" when
		# fuzztime runs out while it minimizes a new interesting input: that
		# is the tool's timing, not a finding, so such a run is tried again
		# (twice at most). A crasher ("Failing input written to ...") or any
		# other failure fails at once.
		for try in 1 2 3; do
			if go test -run='^$' -fuzz="^${target}\$" -fuzztime="$fuzztime" "$pkg" >/tmp/fuzz.$$.log 2>&1; then
				break
			fi
			if [ "$try" = 3 ] || grep -q "Failing input written to" /tmp/fuzz.$$.log || ! grep -q "context deadline exceeded" /tmp/fuzz.$$.log; then
				cat /tmp/fuzz.$$.log
				exit 1
			fi
			echo "  fuzzer stopped on its deadline while minimizing (no failing input); running $target again"
		done
	done
done
echo "fuzz targets: no panics"
