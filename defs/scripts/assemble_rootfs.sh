#!/usr/bin/env bash
# assemble_rootfs.sh --out DIR [--image PF IMAGE]...: merge installed images into one root.
set -eu -o pipefail
out=
images=()
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--image) images+=("$2" "$3"); shift 3 ;;
	*) echo "assemble_rootfs.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ -n "$out" ] || { echo "assemble_rootfs.sh: --out is required" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"
for ((i = 0; i < ${#images[@]}; i += 2)); do
	echo "merging ${images[i]}" >&2
	cp -a -f "${images[i + 1]}/." "$out/"
	chmod -R u+w "$out"
	mkdir -p "$out/var/db/pkg/${images[i]}"
done
rm -f "$out/.buckos-fowners"
