#!/usr/bin/env bash
# Compares `ebuild2buck metadata --jobs 2` on the corpus gentoo tree between
# commits: builds each (git archive, so the working tree does not matter),
# then runs the binaries alternately, ROUNDS times each, and prints the
# median wall time and user+system CPU time of each. Alternating spreads the
# machine's changes of speed over all of them; compare within one run only.
#
# Usage: BUCKOS_SHARED=/path/to/shared [ROUNDS=9] bench/compare.sh REV...
#
# Outputs go to a tmpfs (/dev/shm) when there is one and are removed only at
# the end: on ext4, writing 1761 entries right after deleting a previous
# run's costs up to a second of system time.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${BUCKOS_SHARED:?set BUCKOS_SHARED to the shared/ directory holding corpus/}"
tree="$BUCKOS_SHARED/corpus/gentoo"
[ -d "$tree/metadata" ] || { echo "corpus tree missing: $tree" >&2; exit 1; }
[ $# -gt 0 ] || { echo "usage: bench/compare.sh REV..." >&2; exit 2; }
rounds="${ROUNDS:-9}"
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time): apt-get install time" >&2; exit 1; }

work="$(mktemp -d)"
out="$work/out"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	out="$(mktemp -d /dev/shm/compare.XXXXXX)"
fi
trap 'rm -rf "$work" "$out"' EXIT

revs=()
for rev in "$@"; do
	short="$(git rev-parse --short "$rev")"
	mkdir "$work/src-$short"
	git archive "$rev" | tar -x -C "$work/src-$short"
	(cd "$work/src-$short" && go build -o "$work/ebuild2buck-$short" ./cmd/ebuild2buck)
	revs+=("$short")
done

k=0
for _ in $(seq "$rounds"); do
	for short in "${revs[@]}"; do
		k=$((k + 1))
		/usr/bin/time -f "%e %U %S" -o "$work/time" \
			"$work/ebuild2buck-$short" metadata "$tree" --out "$out/$k" --jobs 2 >/dev/null 2>&1
		read -r wall user sys <"$work/time"
		awk -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN {printf "%s %.2f\n", w, u + s}' >>"$work/times-$short"
	done
done

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
echo "| commit | rounds | median wall | median CPU | walls |"
echo "| --- | ---: | ---: | ---: | --- |"
for short in "${revs[@]}"; do
	f="$work/times-$short"
	echo "| $short | $rounds | $(cut -d' ' -f1 "$f" | median) s | $(cut -d' ' -f2 "$f" | median) s | $(cut -d' ' -f1 "$f" | tr '\n' ' ')|"
done
