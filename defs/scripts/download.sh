#!/usr/bin/env bash
# download.sh: fetch one distfile and verify it (the action behind download_source).
#
# Order: the local distfiles directory (--distdir, like Gentoo's DISTDIR), then each
# --mirror base URL (skipped with --restrict mirror), then each --uri in order.
# A file is accepted only when its size and every given checksum match.
# With --gpg-key the detached signature is verified too, unless signature checks are
# off (--verify-signatures 0, overridden by BUCKOS_VERIFY_SIGNATURES=0/1).
set -u -o pipefail

out= name= distdir= size= sha256= sha512= blake2b= sig_uri= gpg_key= keyring= auto_sig=0 verify_sigs=1
uris=() mirrors=() restrict=()

usage() { echo "usage: download.sh --out FILE --name DISTFILE [--uri URI]... [--sha512 H] [--blake2b H] [--sha256 H] [--size N] [--distdir DIR] [--mirror URL]... [--restrict fetch|mirror]... [--signature-uri URI] [--gpg-key FPR] [--keyring FILE] [--auto-detect-signature] [--verify-signatures 0|1]" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--uri) uris+=("$2"); shift 2 ;;
	--mirror) mirrors+=("$2"); shift 2 ;;
	--distdir) distdir=$2; shift 2 ;;
	--size) size=$2; shift 2 ;;
	--sha256) sha256=$2; shift 2 ;;
	--sha512) sha512=$2; shift 2 ;;
	--blake2b) blake2b=$2; shift 2 ;;
	--restrict) restrict+=("$2"); shift 2 ;;
	--signature-uri) sig_uri=$2; shift 2 ;;
	--gpg-key) gpg_key=$2; shift 2 ;;
	--keyring) keyring=$2; shift 2 ;;
	--auto-detect-signature) auto_sig=1; shift ;;
	--verify-signatures) verify_sigs=$2; shift 2 ;;
	*) echo "download.sh: unknown argument $1" >&2; usage ;;
	esac
done
[ -n "$out" ] && [ -n "$name" ] || usage
if [ -z "$sha256$sha512$blake2b" ]; then
	echo "✗ $name: no checksum given (sha256, sha512 or blake2b is required)" >&2
	exit 1
fi
if [ -n "${BUCKOS_VERIFY_SIGNATURES:-}" ]; then
	verify_sigs=$BUCKOS_VERIFY_SIGNATURES
fi

has_restrict() { local r; for r in "${restrict[@]}"; do [ "$r" = "$1" ] && return 0; done; return 1; }

b2() {
	if command -v b2sum >/dev/null 2>&1; then
		b2sum -l 512 <"$1" | cut -d' ' -f1
	else
		python3 -c 'import hashlib,sys; h=hashlib.blake2b(); f=open(sys.argv[1],"rb"); [h.update(c) for c in iter(lambda: f.read(1<<20), b"")]; print(h.hexdigest())' "$1"
	fi
}

mismatch() { # ALGO EXPECTED ACTUAL
	{
		echo "✗ Checksum verification FAILED"
		echo "  Algorithm: $1"
		echo "  Expected: $2"
		echo "  Actual:   $3"
		echo "  File:     $name"
		echo "  Source:   $src"
	} >&2
}

# verify FILE: 0 when size and every given checksum match; prints the report otherwise.
verify() {
	local f=$1 actual
	if [ -n "$size" ]; then
		actual=$(stat -c %s "$f")
		if [ "$actual" != "$size" ]; then mismatch SIZE "$size" "$actual"; return 1; fi
	fi
	if [ -n "$sha512" ]; then
		actual=$(sha512sum <"$f" | cut -d' ' -f1)
		if [ "$actual" != "${sha512,,}" ]; then mismatch SHA512 "$sha512" "$actual"; return 1; fi
	fi
	if [ -n "$blake2b" ]; then
		actual=$(b2 "$f")
		if [ "$actual" != "${blake2b,,}" ]; then mismatch BLAKE2B "$blake2b" "$actual"; return 1; fi
	fi
	if [ -n "$sha256" ]; then
		actual=$(sha256sum <"$f" | cut -d' ' -f1)
		if [ "$actual" != "${sha256,,}" ]; then mismatch SHA256 "$sha256" "$actual"; return 1; fi
	fi
	return 0
}

mkdir -p "$(dirname "$out")"
tmp="$out.part"
rm -f "$tmp"
gnupg=
cleanup() { rm -f "$tmp"; [ -n "$gnupg" ] && rm -rf "$gnupg"; return 0; }
trap cleanup EXIT
found=0
src=

fetch() { # URL -> $tmp
	curl --fail --location --silent --show-error --retry 2 --connect-timeout 30 -o "$tmp" "$1"
}

if [ -n "$distdir" ] && [ -f "$distdir/$name" ]; then
	src="$distdir/$name"
	if verify "$src"; then
		cp -- "$src" "$tmp" && found=1
	else
		echo "  (the copy in the distfiles directory is ignored; trying the network)" >&2
	fi
fi

if [ $found = 0 ] && has_restrict fetch; then
	echo "✗ $name is fetch-restricted (RESTRICT=fetch): download it yourself and put it in the distfiles directory ${distdir:-(buckos.distdir is not set)}" >&2
	exit 1
fi

candidates=()
if [ $found = 0 ] && ! has_restrict mirror; then
	for m in "${mirrors[@]}"; do candidates+=("${m%/}/$name"); done
fi
candidates+=("${uris[@]}")
for u in "${candidates[@]}"; do
	[ $found = 1 ] && break
	src=$u
	echo "Fetching $u" >&2
	if ! fetch "$u"; then
		echo "  failed: $u" >&2
		continue
	fi
	if verify "$tmp"; then
		found=1
	else
		rm -f "$tmp"
	fi
done

if [ $found = 0 ]; then
	echo "✗ Could not obtain a verified copy of $name (tried: ${distdir:+$distdir/$name }${candidates[*]})" >&2
	exit 1
fi

# Signature verification.
sig_candidates=()
if [ -n "$sig_uri" ]; then
	sig_candidates=("$sig_uri")
elif [ $auto_sig = 1 ]; then
	for u in "${uris[@]}"; do sig_candidates+=("$u.asc" "$u.sig" "$u.sign"); done
fi
if [ -n "$gpg_key" ] && [ "$verify_sigs" != 0 ] && [ ${#sig_candidates[@]} -gt 0 ]; then
	gnupg=$(mktemp -d)
	sig="$gnupg/sig"
	got_sig=
	sig_name=
	for s in "${sig_candidates[@]}"; do
		sig_name=${s##*/}
		if [ -n "$distdir" ] && [ -f "$distdir/$sig_name" ]; then
			cp "$distdir/$sig_name" "$sig"
		elif ! curl --fail --location --silent --show-error -o "$sig" "$s"; then
			continue
		fi
		# Reject HTML error pages and other junk served in place of a signature.
		if head -c 64 "$sig" | grep -qi '<html\|<!doctype'; then
			echo "  $s is not a signature (HTML page); skipped" >&2
			continue
		fi
		got_sig=$s
		break
	done
	if [ -z "$got_sig" ]; then
		echo "✗ Signature verification FAILED: no signature found for $name (tried ${sig_candidates[*]})" >&2
		exit 1
	fi
	export GNUPGHOME="$gnupg"
	if [ -n "$keyring" ]; then
		gpg --batch --quiet --import "$keyring" 2>/dev/null
	else
		gpg --batch --quiet --keyserver hkps://keys.openpgp.org --recv-keys "$gpg_key" 2>/dev/null
	fi
	gpg_out=$(gpg --batch --status-fd 1 --verify "$sig" "$tmp" 2>&1)
	fpr=$(printf '%s\n' "$gpg_out" | awk '$2 == "VALIDSIG" {print $3}')
	want=$(printf '%s' "$gpg_key" | tr -d ' ' | tr a-f A-F)
	if [ -z "$fpr" ] || [ "${fpr%"$want"}" = "$fpr" ]; then
		{
			echo "✗ Signature verification FAILED"
			echo "  File:         $name"
			echo "  Signature:    $sig_name"
			echo "  Signature URL: $got_sig"
			echo "  Expected Key: $gpg_key"
			echo
			echo "GPG output:"
			printf '%s\n' "$gpg_out" | grep -v '^\[GNUPG:\]'
			echo
			echo "Fix options:"
			echo "  1. Disable GPG verification: Set auto_detect_signature=False in BUCK file (or BUCKOS_VERIFY_SIGNATURES=0)"
			echo "  2. Import the correct key: gpg --recv-keys <KEY_ID>"
			echo "  3. Check if signature URL is correct"
		} >&2
		exit 1
	fi
	echo "✓ Signature of $name verified (key $fpr)" >&2
fi

mv -f "$tmp" "$out"
echo "✓ $name verified" >&2
