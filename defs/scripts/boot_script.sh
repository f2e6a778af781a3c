#!/usr/bin/env bash
# boot_script.sh: boot a BuckOS kernel in QEMU or Cloud Hypervisor.
# Written by qemu_boot_script / ch_boot_script; `buck2 run TARGET` passes the artifact
# paths (--kernel DIR, --initrd FILE, --disk FILE) after the settings baked into the rule.
#
#   boot_script.sh --vmm qemu|cloud-hypervisor --kernel DIR [--initrd FILE] [--disk FILE]
#       [--memory 512M] [--cpus 2] [--append ARGS] [--kvm] [--network none|user|tap]
#       [--tap NAME] [--boot-mode direct|firmware|virtiofs] [--firmware FILE] [--virtiofs DIR]
set -eu -o pipefail

vmm=qemu kernel= initrd= disk= memory=512M cpus=2 append="console=ttyS0" kvm=0 network=none tap=tap0 boot=direct firmware= virtiofs=${VIRTIOFS_PATH:-}
while [ $# -gt 0 ]; do
	case "$1" in
	--vmm) vmm=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--disk) disk=$2; shift 2 ;;
	--memory) memory=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--kvm) kvm=1; shift ;;
	--network) network=$2; shift 2 ;;
	--tap) tap=$2; shift 2 ;;
	--boot-mode) boot=$2; shift 2 ;;
	--firmware) firmware=$2; shift 2 ;;
	--virtiofs) virtiofs=$2; shift 2 ;;
	*) echo "boot_script.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

# The kernel is a kernel_build image directory (boot/vmlinuz-*) or a file.
if [ -d "$kernel" ]; then
	k=$(ls "$kernel"/boot/vmlinuz-* 2>/dev/null | head -n 1)
	[ -n "$k" ] || { echo "✗ no boot/vmlinuz-* in $kernel (is it a kernel_build output?)" >&2; exit 1; }
	kernel=$k
fi
if [ "$boot" != firmware ]; then
	[ -f "$kernel" ] || { echo "✗ Cannot find kernel image: ${kernel:-(none given)}" >&2; exit 1; }
fi

case "$vmm" in
qemu)
	cmd=(qemu-system-x86_64 -m "$memory" -smp "$cpus" -kernel "$kernel" -append "$append" -nographic -no-reboot)
	[ -n "$initrd" ] && cmd+=(-initrd "$initrd")
	[ -n "$disk" ] && cmd+=(-drive "file=$disk,if=virtio,format=raw")
	[ "$kvm" = 1 ] && cmd+=(-enable-kvm)
	case "$network" in
	none) ;;
	user) cmd+=(-netdev "user,id=net0,hostfwd=tcp::2222-:22" -device virtio-net-pci,netdev=net0) ;;
	tap) cmd+=(-netdev "tap,id=net0,ifname=$tap,script=no,downscript=no" -device virtio-net-pci,netdev=net0) ;;
	*) echo "✗ unknown network mode $network" >&2; exit 1 ;;
	esac
	;;
cloud-hypervisor)
	cmd=(cloud-hypervisor --memory "size=$memory" --cpus "boot=$cpus" --console off --serial tty)
	case "$boot" in
	direct)
		cmd+=(--kernel "$kernel" --cmdline "$append")
		[ -n "$initrd" ] && cmd+=(--initramfs "$initrd")
		;;
	firmware)
		[ -n "$firmware" ] || { echo "✗ boot_mode firmware needs a firmware file" >&2; exit 1; }
		cmd+=(--kernel "$firmware")
		;;
	virtiofs)
		[ -n "$virtiofs" ] || { echo "✗ boot_mode virtiofs needs VIRTIOFS_PATH or --virtiofs DIR" >&2; exit 1; }
		sock="${TMPDIR:-/tmp}/buckos-virtiofs.$$.sock"
		virtiofsd --socket-path="$sock" --shared-dir="$virtiofs" --cache=never &
		trap 'kill $! 2>/dev/null || true; rm -f "$sock"' EXIT
		cmd+=(--kernel "$kernel" --cmdline "$append rootfstype=virtiofs root=rootfs" --fs "tag=rootfs,socket=$sock" --memory "size=$memory,shared=on")
		[ -n "$initrd" ] && cmd+=(--initramfs "$initrd")
		;;
	*) echo "✗ unknown boot mode $boot (direct, firmware, virtiofs)" >&2; exit 1 ;;
	esac
	[ -n "$disk" ] && cmd+=(--disk "path=$disk")
	case "$network" in
	none) ;;
	tap) cmd+=(--net "tap=$tap") ;;
	*) echo "✗ cloud-hypervisor networking is tap or none, got $network" >&2; exit 1 ;;
	esac
	;;
*) echo "✗ unknown VMM $vmm" >&2; exit 1 ;;
esac

echo "+ ${cmd[*]}" >&2
exec "${cmd[@]}"
