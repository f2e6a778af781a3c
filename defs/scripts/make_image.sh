#!/usr/bin/env bash
# make_image.sh: system images from a root filesystem directory, without root privileges.
#
#   make_image.sh initramfs --root DIR --out FILE [--compression gzip|xz|zstd|lz4|none] [--init PATH]
#   make_image.sh disk --root DIR --out FILE [--size 4G] [--filesystem ext4|ext3|ext2] [--label NAME]
#       [--partition-table]
#
# initramfs: a newc cpio archive (written by a small Python writer, so no cpio binary is
# needed) with /init linked to --init. disk: a raw filesystem image populated with
# `mke2fs -d`, which needs no loop devices or mounts (Cloud Hypervisor takes raw images).
set -eu -o pipefail

kind=${1:-}
shift || true
root= out= compression=gzip init=/sbin/init size=4G fs=ext4 label=buckos gpt=0
while [ $# -gt 0 ]; do
	case "$1" in
	--root) root=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--compression) compression=$2; shift 2 ;;
	--init) init=$2; shift 2 ;;
	--size) size=$2; shift 2 ;;
	--filesystem) fs=$2; shift 2 ;;
	--label) label=$2; shift 2 ;;
	--partition-table) gpt=1; shift ;;
	*) echo "make_image.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ -n "$root" ] && [ -n "$out" ] || { echo "make_image.sh: --root and --out are required" >&2; exit 2; }
[ -d "$root" ] || { echo "make_image.sh: $root is not a directory" >&2; exit 1; }
mkdir -p "$(dirname "$out")"

case "$kind" in
initramfs)
	compress=(cat)
	case "$compression" in
	gzip) compress=(gzip -9 -n) ;;
	xz) compress=(xz --check=crc32 -9) ;;
	zstd) compress=(zstd -19 -q) ;;
	lz4) compress=(lz4 -l -9 -q) ;;
	none) ;;
	*) echo "make_image.sh: unknown compression $compression (gzip xz zstd lz4 none)" >&2; exit 1 ;;
	esac
	python3 - "$root" "$init" <<'PY' | "${compress[@]}" >"$out"
import os, stat, sys

root, init = sys.argv[1], sys.argv[2]
out = sys.stdout.buffer
ino = [1]

def entry(name, mode, data=b"", nlink=1):
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join("%08X" % v for v in (
        ino[0], mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(name_b), 0))
    ino[0] += 1
    out.write(hdr.encode() + name_b)
    out.write(b"\0" * ((4 - (110 + len(name_b)) % 4) % 4))
    out.write(data)
    out.write(b"\0" * ((4 - len(data) % 4) % 4))

names = []
for dirpath, dirnames, filenames in os.walk(root):
    dirnames.sort()
    for n in sorted(dirnames) + sorted(filenames):
        names.append(os.path.relpath(os.path.join(dirpath, n), root))
entry(".", stat.S_IFDIR | 0o755, nlink=2)
for rel in names:
    p = os.path.join(root, rel)
    st = os.lstat(p)
    perm = stat.S_IMODE(st.st_mode)
    if stat.S_ISLNK(st.st_mode):
        entry(rel, stat.S_IFLNK | 0o777, os.readlink(p).encode())
    elif stat.S_ISDIR(st.st_mode):
        entry(rel, stat.S_IFDIR | perm, nlink=2)
    elif stat.S_ISREG(st.st_mode):
        with open(p, "rb") as f:
            entry(rel, stat.S_IFREG | perm, f.read())
if "init" not in names:
    entry("init", stat.S_IFLNK | 0o777, init.encode())
entry("TRAILER!!!", 0)
PY
	echo "✓ initramfs $(basename "$out") ($compression) from $root" >&2
	;;
disk)
	case "$fs" in ext2 | ext3 | ext4) ;; *) echo "make_image.sh: filesystem $fs is not supported (ext2, ext3, ext4: mke2fs -d needs no root)" >&2; exit 1 ;; esac
	command -v mke2fs >/dev/null || { echo "make_image.sh: mke2fs (e2fsprogs) is required" >&2; exit 1; }
	rm -f "$out"
	truncate -s "$size" "$out"
	if [ "$gpt" = 1 ]; then
		# GPT with a 256 MiB EFI system partition and the root filesystem after it; the
		# filesystem is written in place with mke2fs -E offset, so no loop device is needed.
		command -v sfdisk >/dev/null || { echo "✗ partition_table = True needs sfdisk (util-linux) on the build machine" >&2; exit 1; }
		printf 'label: gpt\nstart=2048, size=524288, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI"\nstart=526336, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="%s"\n' "$label" | sfdisk -q "$out"
		bytes=$(stat -c %s "$out")
		blocks=$(( (bytes - 526336 * 512 - 34 * 512) / 4096 ))
		mke2fs -q -F -t "$fs" -L "$label" -b 4096 -E "offset=$((526336 * 512)),root_owner=0:0" -d "$root" "$out" "$blocks"
	else
		mke2fs -q -F -t "$fs" -L "$label" -E root_owner=0:0 -d "$root" "$out"
	fi
	echo "✓ $fs disk image $(basename "$out") ($size) from $root" >&2
	;;
*)
	echo "usage: make_image.sh initramfs|disk --root DIR --out FILE ..." >&2
	exit 2
	;;
esac
