#!/usr/bin/env bash
# phase_runner.sh: the one build action of a BuckOS package.
#
# It stages the build closure as one sysroot, puts the BDEPEND tools on PATH, enters a
# network namespace of its own (unshare --map-root-user --net: a user namespace, so it
# works without root), then runs the ebuild phases pkg_setup, src_unpack, src_prepare,
# src_configure, src_compile, src_test and src_install with the PMS helper functions,
# and leaves the installed image (Portage's ${D}) in --image.
#
# Every phase logs to $T/<phase>.log (copied to --logs). A failing phase prints the
# tail of its log and hints for common failures.
#
# Usage (written by defs/private/package_rule.bzl):
#   phase_runner.sh --image DIR --logs DIR --ebuild FILE [--distfile FILE]...
#       [--patch FILE]... [--user-patch FILE]... [--eclass FILE]... [--file REL FILE]... [--sysroot PF DIR]... [--tool PF DIR]...
#       [--blocker CAT/PN]... [--toolchain-mode host|bootstrap] [--allow-network 0|1]
#       [--run-tests 0|1] [--work DIR] [--keep-work]
set -u -o pipefail

__self=$(readlink -f "$0")

if [ "${1:-}" = "--driver" ]; then
	__mode=driver
elif [ "${1:-}" = "--unbuildable" ]; then
	__mode=unbuildable
else
	__mode=outer
fi

# --unbuildable CAT/PF [--output PATH]... [--problem TEXT]...: what the package rule runs
# instead of the build when this version cannot be built with its USE. It fails at once,
# before any phase, naming every problem.
__unbuildable() {
	local what=$2
	local -a problems=()
	shift 2
	while [ $# -gt 0 ]; do
		case "$1" in
		--output) shift 2 ;;
		--problem) problems+=("$2"); shift 2 ;;
		*) echo "phase_runner.sh: unknown argument $1" >&2; exit 2 ;;
		esac
	done
	{
		echo "✗ $what cannot be built with its current USE and dependencies:"
		local p
		for p in "${problems[@]}"; do
			echo
			printf '%s\n' "$p" | sed 's/^/  /'
		done
		echo
		echo "Nothing was built. Fix the USE (config/package_use.bzl, config/use.bzl) or add the"
		echo "missing packages to the workspace, then build again."
	} >&2
	exit 1
}

#######################################################################################
# Outer part: arguments, isolation, staging, error analysis.
#######################################################################################
__outer() {
	local image= logs= ebuild= work= toolchain_mode=host allow_network=0 run_tests=0 keep_work=0
	local -a distfiles=() patches=() user_patches=() eclasses=() files=() sysroots=() tools=() blockers=()
	local -a orig_args=("$@")
	while [ $# -gt 0 ]; do
		case "$1" in
		--image) image=$2; shift 2 ;;
		--logs) logs=$2; shift 2 ;;
		--ebuild) ebuild=$2; shift 2 ;;
		--distfile) distfiles+=("$2"); shift 2 ;;
		--patch) patches+=("$2"); shift 2 ;;
		--eclass) eclasses+=("$2"); shift 2 ;;
		--user-patch) user_patches+=("$2"); shift 2 ;;
		--file) files+=("$2" "$3"); shift 3 ;;
		--sysroot) sysroots+=("$2" "$3"); shift 3 ;;
		--tool) tools+=("$2" "$3"); shift 3 ;;
		--blocker) blockers+=("$2"); shift 2 ;;
		--toolchain-mode) toolchain_mode=$2; shift 2 ;;
		--allow-network) allow_network=$2; shift 2 ;;
		--run-tests) run_tests=$2; shift 2 ;;
		--work) work=$2; shift 2 ;;
		--keep-work) keep_work=1; shift ;;
		*) echo "phase_runner.sh: unknown argument $1" >&2; exit 2 ;;
		esac
	done
	if [ -z "$image" ] || [ -z "$ebuild" ]; then
		echo "phase_runner.sh: --image and --ebuild are required" >&2
		exit 2
	fi
	if [ -n "${BUCKOS_ALLOW_NETWORK_IN_BUILD:-}" ]; then
		allow_network=$BUCKOS_ALLOW_NETWORK_IN_BUILD
	fi

	# Network isolation: re-exec inside a new user+network namespace.
	if [ "${__BUCKOS_NETNS:-}" != 1 ]; then
		local err
		if err=$(unshare --map-root-user --net -- true 2>&1); then
			__BUCKOS_NETNS=1 exec unshare --map-root-user --net -- "$BASH" "$__self" "${orig_args[@]}"
		fi
		if [ "$allow_network" = 1 ] || [ "$allow_network" = true ]; then
			echo "⚠ WARNING: network isolation is unavailable (unshare --map-root-user --net: $err)." >&2
			echo "⚠ Building WITH network access because allow_network_in_build is set." >&2
		else
			{
				echo "✗ Network isolation is unavailable: unshare --map-root-user --net failed: $err"
				echo "  BuckOS builds packages without network access and will not silently build with it."
				echo "  Fix: enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1,"
				echo "       or user.max_user_namespaces > 0), or run where unshare(1) works."
				echo "  To build with network anyway: buck2 build --config buckos.allow_network_in_build=true ..."
				echo "       or BUCKOS_ALLOW_NETWORK_IN_BUILD=1."
			} >&2
			exit 1
		fi
	else
		# Inside the namespace only the loopback device may exist.
		if awk -F: 'NR > 2 {gsub(/ /, "", $1); if ($1 != "lo") bad=1} END {exit !bad}' /proc/net/dev; then
			echo "✗ network isolation check failed: interfaces other than lo are visible" >&2
			exit 1
		fi
		echo "🔒 Running build phases in network-isolated environment" >&2
	fi

	local abs
	abs() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }
	image=$(abs "$image")
	ebuild=$(abs "$ebuild")
	[ -n "$logs" ] && logs=$(abs "$logs")
	if [ -z "$work" ]; then
		work=$(mktemp -d "${TMPDIR:-/tmp}/buckos-build.XXXXXX")
	else
		work=$(abs "$work")
		mkdir -p "$work"
	fi
	if [ $keep_work = 0 ]; then
		trap 'chmod -R u+w "'"$work"'" 2>/dev/null; rm -rf "'"$work"'"' EXIT
	fi
	rm -rf "$image"
	mkdir -p "$image" "$work/work" "$work/temp" "$work/distdir" "$work/files" "$work/sysroot" "$work/home" "$work/eclass"

	local i f
	for f in "${distfiles[@]}"; do
		ln -sf "$(abs "$f")" "$work/distdir/$(basename "$f")"
	done
	for f in "${eclasses[@]}"; do
		cp -f "$(abs "$f")" "$work/eclass/$(basename "$f")"
	done
	for ((i = 0; i < ${#files[@]}; i += 2)); do
		local rel=${files[i]#files/}
		mkdir -p "$(dirname "$work/files/$rel")"
		cp -rfL "$(abs "${files[i + 1]}")" "$work/files/$rel"
	done

	# Blockers: a blocked package must not be in the build or tool closure.
	local b p
	for b in "${blockers[@]}"; do
		for ((i = 0; i < ${#sysroots[@]}; i += 2)); do
			p=${sysroots[i]}
			# shellcheck disable=SC2053 # $b is CAT/PN-PVR, CAT/PN or a pattern ("*/pn").
			if [[ $p == $b || ${p%-[0-9]*} == $b ]]; then
				echo "✗ $b is blocked by this package but $p is in its dependency closure" >&2
				exit 1
			fi
		done
		for ((i = 0; i < ${#tools[@]}; i += 2)); do
			p=${tools[i]}
			# shellcheck disable=SC2053
			if [[ $p == $b || ${p%-[0-9]*} == $b ]]; then
				echo "✗ $b is blocked by this package but $p is in its BDEPEND closure" >&2
				exit 1
			fi
		done
	done

	# Stage the build closure (DEPEND and their RDEPEND, transitively) as one sysroot.
	local sysroot="$work/sysroot"
	for ((i = 0; i < ${#sysroots[@]}; i += 2)); do
		cp -a -f "$(abs "${sysroots[i + 1]}")/." "$sysroot/" || { echo "✗ staging ${sysroots[i]} into the sysroot failed" >&2; exit 1; }
	done
	chmod -R u+w "$sysroot"

	# BDEPEND tools (and the bootstrap toolchain) run in place.
	local tool_path= tool_lib= d
	for ((i = 0; i < ${#tools[@]}; i += 2)); do
		d=$(abs "${tools[i + 1]}")
		tool_path="$tool_path:$d/usr/bin:$d/bin:$d/usr/sbin:$d/sbin"
		tool_lib="$tool_lib:$d/usr/lib64:$d/usr/lib:$d/lib64:$d/lib"
	done
	local path
	if [ "$toolchain_mode" = bootstrap ]; then
		if [ -z "$tool_path" ]; then
			{
				echo "✗ The bootstrap toolchain is empty: toolchains//:bootstrap lists no packages yet."
				echo "  Build with the host toolchain: --target-platforms root//platforms:linux-target-host"
				echo "  or set [buckos] use_host_toolchain = true."
			} >&2
			exit 1
		fi
		path=${tool_path#:}
	else
		path="${tool_path#:}${tool_path:+:}$PATH"
	fi

	cat >"$work/runner.env" <<-EOF
		__BUCKOS_EBUILD=$(printf '%q' "$ebuild")
		__BUCKOS_SELF=$(printf '%q' "$__self")
		WORKDIR=$(printf '%q' "$work/work")
		T=$(printf '%q' "$work/temp")
		D=$(printf '%q' "$image")
		DISTDIR=$(printf '%q' "$work/distdir")
		FILESDIR=$(printf '%q' "$work/files")
		ECLASSDIR=$(printf '%q' "$work/eclass")
		SYSROOT=$(printf '%q' "$sysroot")
		HOME=$(printf '%q' "$work/home")
		PATH=$(printf '%q' "$path")
		__BUCKOS_TOOL_LIB=$(printf '%q' "${tool_lib#:}")
		__BUCKOS_TOOLCHAIN_MODE=$(printf '%q' "$toolchain_mode")
		__BUCKOS_RUN_TESTS=$(printf '%q' "$run_tests")
		A=$(printf '%q' "$(for f in "${distfiles[@]}"; do printf '%s ' "$(basename "$f")"; done)")
		__BUCKOS_USER_PATCH_FILES=($(for f in "${user_patches[@]}"; do printf '%q ' "$(abs "$f")"; done))
		__BUCKOS_PATCH_FILES=($(for f in "${patches[@]}"; do printf '%q ' "$(abs "$f")"; done))
	EOF

	# The phases run in a clean environment. With the host toolchain, the few variables
	# host toolchain managers need to find their compilers are kept (rustup, pyenv).
	local -a keep=()
	if [ "$toolchain_mode" = host ]; then
		local h=${HOME:-/nonexistent}
		[ -d "${RUSTUP_HOME:-$h/.rustup}" ] && keep+=("RUSTUP_HOME=${RUSTUP_HOME:-$h/.rustup}")
		[ -d "${PYENV_ROOT:-$h/.pyenv}" ] && keep+=("PYENV_ROOT=${PYENV_ROOT:-$h/.pyenv}")
	fi
	env -i TERM=dumb LC_ALL=C.UTF-8 TMPDIR="$work/temp" "${keep[@]}" "$BASH" --noprofile --norc "$__self" --driver "$work/runner.env"
	local rc=$?
	if [ -n "$logs" ]; then
		mkdir -p "$logs"
		cp -f "$work/temp/"*.log "$logs/" 2>/dev/null || true
	fi
	if [ $rc != 0 ]; then
		__report "$work" "$rc"
		exit $rc
	fi
	# An empty image is a valid result (virtual packages); say so to keep outputs non-empty.
	return 0
}

# __report WORK RC: explain a failed phase with the seed's actionable hints.
__report() {
	local work=$1 rc=$2 phase log pf cat
	phase=$(cat "$work/temp/.phase" 2>/dev/null || echo unknown)
	log="$work/temp/$phase.log"
	pf=$(cat "$work/temp/.pf" 2>/dev/null || echo unknown)
	cat=$(cat "$work/temp/.category" 2>/dev/null || echo unknown)
	{
		echo
		echo "✗ Build phase '$phase' FAILED (exit code: $rc)"
		echo "  Package: $pf"
		echo "  Category: $cat"
		echo "  Phase: $phase"
		echo "  Working directory: $(cat "$work/temp/.cwd" 2>/dev/null || echo "$work/work")"
		echo "  Log: $log (copied to the logs/ output of the target)"
		echo
		if [ -f "$log" ]; then
			echo "---- last lines of $phase.log ----"
			tail -n 40 "$log"
			echo "----"
			echo
			echo "Analyzing error log..."
			__hints "$log"
		fi
		echo
		echo "Common fixes for $phase:"
		case "$phase" in
		src_unpack) echo "  - Check that srcs names every distfile and that S is right" ;;
		src_prepare) echo "  - A patch does not apply: check patches and their order (eapply uses -p1)" ;;
		src_configure)
			echo "  - Check if all dependencies are installed (depend for libraries, bdepend for tools)"
			echo "  - Review configure_args in BUCK file"
			echo "  - For CMake: Check cmake_args"
			echo "  - For Meson: Ensure options use enabled/disabled/auto format"
			;;
		src_compile) echo "  - A header or library is missing from depend, or a tool from bdepend" ;;
		src_test) echo "  - Tests may need RESTRICT=test (restrict = [\"test\"]) when they need the network or root" ;;
		src_install) echo "  - Install into \$D (DESTDIR) only; check install_args / the src_install phase" ;;
		*) echo "  - See the log above" ;;
		esac
	} >&2
}

# __hints LOG: pattern-match common failures (machine-parseable "DETECTED:" lines).
__hints() {
	local log=$1 found=0 m
	m=$(grep -oE "(Package '[^']+'|No package '[^']+' found|Dependency \"[^\"]+\" not found|Package [A-Za-z0-9_.+-]+ was not found in the pkg-config search path)" "$log" | head -n 3)
	if [ -n "$m" ]; then
		echo "DETECTED: Missing pkg-config dependency"
		printf '%s\n' "$m" | sed 's/^/  /'
		echo "  Fix: add the package that installs the named .pc file to depend (DEPEND)"
		found=1
	fi
	if grep -qE "Compatibility with CMake < [0-9.]+ has been removed" "$log"; then
		echo "DETECTED: CMake compatibility issue (project requires an old cmake_minimum_required)"
		echo "  Fix: add -DCMAKE_POLICY_VERSION_MINIMUM=3.5 to cmake_args, or patch cmake_minimum_required"
		found=1
	fi
	m=$(grep -oE 'Could not find a package configuration file provided by "[^"]+"' "$log" | head -n 1)
	if [ -n "$m" ]; then
		echo "DETECTED: CMake package not found: $m"
		echo "  Fix: add the package providing it to depend, or disable the feature in cmake_args"
		found=1
	fi
	if grep -q "CMake Error" "$log" && grep -qE "Manually-specified variables were not used|Unknown CMake command" "$log"; then
		echo "DETECTED: CMake option error"
		echo "  Fix: check the -D names in cmake_args against the project's CMakeLists.txt"
		found=1
	fi
	m=$(grep -oE '(ERROR: )?Unknown options?:? "?[A-Za-z0-9_:,-]+"?' "$log" | head -n 1)
	if [ -n "$m" ]; then
		echo "DETECTED: Meson unknown option: $m"
		echo "  Fix: remove or rename the option in meson_args (see meson_options.txt / meson.options)"
		found=1
	fi
	if grep -qE 'Value "?(true|false)"? .*(is not one of the choices|for combo option)|Possible choices are: "enabled", "disabled", "auto"' "$log"; then
		echo "DETECTED: Meson boolean format error (Meson 1.0+)"
		echo "  Fix: Replace true/false with enabled/disabled/auto in meson_args"
		found=1
	fi
	if grep -qE "Network is unreachable|Could not resolve host|Temporary failure in name resolution|Name or service not known" "$log"; then
		echo "DETECTED: The build tried to use the network (builds are network-isolated)"
		echo "  Fix: declare the file as a source (srcs / download_source) or vendor it"
		found=1
	fi
	m=$(grep -oE "[A-Za-z0-9_.+-]+: (command )?not found" "$log" | head -n 1)
	if [ -n "$m" ]; then
		echo "DETECTED: Missing tool: $m"
		echo "  Fix: add the package providing it to bdepend (BDEPEND)"
		found=1
	fi
	m=$(grep -oE "fatal error: [^ ]+\.h: No such file or directory" "$log" | head -n 1)
	if [ -n "$m" ]; then
		echo "DETECTED: Missing header: $m"
		echo "  Fix: add the library package to depend (DEPEND)"
		found=1
	fi
	if [ $found = 0 ]; then
		echo "No known error pattern detected."
	fi
}

#######################################################################################
# Driver part: the PMS environment and helpers, then the phases.
#######################################################################################

# ---- output and failure ----
einfo() { echo " * $*"; }
einfon() { echo -n " * $*"; }
elog() { echo " * $*"; }
ewarn() { echo " * WARNING: $*" >&2; }
eerror() { echo " * ERROR: $*" >&2; }
eqawarn() { echo " * QA Notice: $*" >&2; }
ebegin() { echo " * $* ..."; }
eend() { local r=${1:-0}; shift; [ "$r" = 0 ] || eerror "$*"; return "$r"; }
die() {
	echo " * ERROR: ${CATEGORY:-?}/${PF:-?} failed (${EBUILD_PHASE:-?} phase):" >&2
	echo " *   ${*:-(no error message)}" >&2
	local i
	for ((i = 1; i < ${#FUNCNAME[@]}; i++)); do
		echo " *   called from ${FUNCNAME[i]} (${BASH_SOURCE[i]##*/}:${BASH_LINENO[i - 1]})" >&2
	done
	exit 1
}
assert() {
	local s
	for s in "${PIPESTATUS[@]}"; do [ "$s" = 0 ] || die "$@"; done
}
__nonfatal=0
nonfatal() { local __nonfatal=1; "$@"; }
__helper_fail() { if [ "$__nonfatal" = 1 ]; then echo "$*" >&2; return 1; fi; die "$@"; }

# ---- USE ----
__in_iuse() { local f; for f in $IUSE_EFFECTIVE; do [ "$f" = "$1" ] && return 0; done; return 1; }
in_iuse() { __in_iuse "$1"; }
use() {
	local f=$1 neg=0
	[ "${f:0:1}" = "!" ] && { neg=1; f=${f:1}; }
	__in_iuse "$f" || die "use: flag '$f' is not in IUSE ($IUSE_EFFECTIVE)"
	local on=1 x
	for x in $USE; do [ "$x" = "$f" ] && on=0; done
	if [ $neg = 1 ]; then return $((1 - on)); fi
	return $on
}
useq() { use "$@"; }
usev() { if use "$1"; then echo "${2:-${1#!}}"; fi; }
usex() { if use "$1"; then echo "${2-yes}${4-}"; else echo "${3-no}${5-}"; fi; }
use_with() {
	local opt=${2:-${1#!}}
	if use "$1"; then echo "--with-$opt${3+=$3}"; else echo "--without-$opt"; fi
}
use_enable() {
	local opt=${2:-${1#!}}
	if use "$1"; then echo "--enable-$opt${3+=$3}"; else echo "--disable-$opt"; fi
}
has() { local n=$1 x; shift; for x in "$@"; do [ "$x" = "$n" ] && return 0; done; return 1; }
hasv() { if has "$@"; then echo "$1"; fi; }
hasq() { has "$@"; }

# ---- versions (EAPI 7+) ----
__ver_split() {
	local v=$1 c
	__comps=()
	while [ -n "$v" ]; do
		if [[ $v =~ ^([0-9]+) ]] || [[ $v =~ ^([A-Za-z]+) ]] || [[ $v =~ ^([^A-Za-z0-9]+) ]]; then
			c=${BASH_REMATCH[1]}
			__comps+=("$c")
			v=${v:${#c}}
		fi
	done
	# Make the list start with a (possibly empty) separator.
	if [[ ${__comps[0]:-} =~ ^[A-Za-z0-9] ]]; then __comps=("" "${__comps[@]}"); fi
}
ver_cut() {
	local range=$1 v=${2-$PV} start end i out=
	__ver_split "$v"
	start=${range%-*}
	if [[ $range == *-* ]]; then end=${range#*-}; else end=$start; fi
	local n=$(((${#__comps[@]}) / 2))
	[ -z "$end" ] && end=$n
	for ((i = start; i <= end && i <= n; i++)); do
		[ $i -gt $start ] && out+=${__comps[2 * i - 2]}
		out+=${__comps[2 * i - 1]}
	done
	echo "$out"
}
ver_rs() {
	local v=${!#} i args=("$@")
	[ $(($# % 2)) = 1 ] && v=$PV || unset 'args[-1]'
	[ $# = 1 ] && v=$PV
	__ver_split "$v"
	for ((i = 0; i + 1 < ${#args[@]}; i += 2)); do
		local range=${args[i]} rep=${args[i + 1]} s e k
		s=${range%-*}
		if [[ $range == *-* ]]; then e=${range#*-}; else e=$s; fi
		[ -z "$e" ] && e=$(((${#__comps[@]}) / 2))
		for ((k = s; k <= e; k++)); do
			[ $((2 * k)) -lt ${#__comps[@]} ] && [ $k -gt 0 ] && __comps[2 * k]=$rep
		done
	done
	local out= c
	for c in "${__comps[@]}"; do out+=$c; done
	echo "$out"
}
ver_test() {
	local a b op
	if [ $# = 2 ]; then a=$PVR; op=$1; b=$2; else a=$1; op=$2; b=$3; fi
	local r
	r=$(printf '%s\n%s\n' "$a" "$b" | sort -V | head -n 1)
	case "$op" in
	-eq) [ "$a" = "$b" ] ;;
	-ne) [ "$a" != "$b" ] ;;
	-lt) [ "$a" != "$b" ] && [ "$r" = "$a" ] ;;
	-le) [ "$r" = "$a" ] ;;
	-gt) [ "$a" != "$b" ] && [ "$r" = "$b" ] ;;
	-ge) [ "$r" = "$b" ] ;;
	*) die "ver_test: bad operator $op" ;;
	esac
}

# ---- unpacking and patching ----
unpack() {
	local f src
	for f in "$@"; do
		case "$f" in
		./*) src=$f ;;
		*/*) src=$f ;;
		*) src="$DISTDIR/$f" ;;
		esac
		[ -e "$src" ] || __helper_fail "unpack: $f does not exist" || return
		einfo "Unpacking ${f##*/} to $PWD"
		if [ -d "$src" ]; then
			# A source directory (srcs = ["hello-1.0"] in a hand-written package) is copied.
			cp -R -L "$src" "./${f##*/}" && chmod -R u+w "./${f##*/}" || __helper_fail "unpack: copying $f failed" || return
			continue
		fi
		case "${f,,}" in
		*.tar | *.tar.gz | *.tgz | *.tar.bz2 | *.tbz2 | *.tbz | *.tar.xz | *.txz | *.tar.lz | *.tar.zst | *.tar.lzma)
			tar --no-same-owner -xf "$src" || __helper_fail "unpack: tar failed on $f" || return ;;
		*.zip | *.jar) unzip -qo "$src" || __helper_fail "unpack: unzip failed on $f" || return ;;
		*.gz | *.z) gzip -dc "$src" >"$(basename "${f%.*}")" || __helper_fail "unpack: gzip failed on $f" || return ;;
		*.bz2) bzip2 -dc "$src" >"$(basename "${f%.*}")" || __helper_fail "unpack: bzip2 failed on $f" || return ;;
		*.xz) xz -dc "$src" >"$(basename "${f%.*}")" || __helper_fail "unpack: xz failed on $f" || return ;;
		*.zst) zstd -dcq "$src" >"$(basename "${f%.*}")" || __helper_fail "unpack: zstd failed on $f" || return ;;
		*) einfo "unpack: ${f##*/} is not an archive; left in DISTDIR" ;;
		esac
	done
}
eapply() {
	local -a opts=() items=()
	local x
	for x in "$@"; do
		if [ ${#items[@]} = 0 ] && [ "${x:0:1}" = - ] && [ "$x" != -- ]; then opts+=("$x"); elif [ "$x" != -- ]; then items+=("$x"); fi
	done
	local p
	for x in "${items[@]}"; do
		if [ -d "$x" ]; then
			for p in "$x"/*.diff "$x"/*.patch; do
				[ -f "$p" ] || continue
				einfo "Applying ${p##*/} ..."
				patch -p1 -f -g0 -E --no-backup-if-mismatch "${opts[@]}" <"$p" || __helper_fail "eapply: ${p##*/} does not apply" || return
			done
		else
			einfo "Applying ${x##*/} ..."
			patch -p1 -f -g0 -E --no-backup-if-mismatch "${opts[@]}" <"$x" || __helper_fail "eapply: ${x##*/} does not apply" || return
		fi
	done
}
epatch() { eapply "$@"; }
__eapply_user_done=0
eapply_user() {
	[ $__eapply_user_done = 1 ] && return 0
	__eapply_user_done=1
	# config/user_patches.bzl (Portage's /etc/portage/patches), in order.
	if [ ${#__BUCKOS_USER_PATCH_FILES[@]} -gt 0 ]; then
		einfo "Applying user patches"
		eapply "${__BUCKOS_USER_PATCH_FILES[@]}"
	fi
	return 0
}

# ---- building ----
econf() {
	local src=${ECONF_SOURCE:-.}
	[ -x "$src/configure" ] || __helper_fail "econf: $src/configure is not executable" || return
	local -a args=(--prefix=/usr --build="${CBUILD:-$CHOST}" --host="$CHOST" --mandir=/usr/share/man
		--infodir=/usr/share/info --datadir=/usr/share --sysconfdir=/etc --localstatedir=/var/lib
		--libdir=/usr/$(get_libdir))
	if grep -q -- --docdir "$src/configure"; then args+=(--docdir="/usr/share/doc/$PF"); fi
	if grep -q -- --htmldir "$src/configure"; then args+=(--htmldir="/usr/share/doc/$PF/html"); fi
	if grep -q -- --disable-dependency-tracking "$src/configure"; then args+=(--disable-dependency-tracking); fi
	if grep -q -- --disable-silent-rules "$src/configure"; then args+=(--disable-silent-rules); fi
	if grep -q -- --disable-static "$src/configure" && ! use_static_libs_wanted; then args+=(--disable-static); fi
	echo "$src/configure ${args[*]} $*"
	"$src/configure" "${args[@]}" "$@" || __helper_fail "econf failed" || return
}
use_static_libs_wanted() { __in_iuse static-libs && use static-libs; }
emake() {
	echo "${MAKE:-make} ${MAKEOPTS} ${EXTRA_EMAKE:-} $*"
	${MAKE:-make} ${MAKEOPTS} ${EXTRA_EMAKE:-} "$@" || __helper_fail "emake failed" || return
}
einstall() { emake prefix="$D/usr" libdir="$D/usr/$(get_libdir)" mandir="$D/usr/share/man" infodir="$D/usr/share/info" datadir="$D/usr/share" sysconfdir="$D/etc" localstatedir="$D/var/lib" "$@" install; }
get_libdir() { echo "${LIBDIR_amd64:-lib64}"; }
get_abi_CFLAGS() { :; }
tc-getCC() { echo "${CC:-gcc}"; }
tc-getCXX() { echo "${CXX:-g++}"; }
tc-getCPP() { echo "${CPP:-$(tc-getCC) -E}"; }
tc-getAR() { echo "${AR:-ar}"; }
tc-getRANLIB() { echo "${RANLIB:-ranlib}"; }
tc-getLD() { echo "${LD:-ld}"; }
tc-getNM() { echo "${NM:-nm}"; }
tc-getSTRIP() { echo "${STRIP:-strip}"; }
tc-getOBJCOPY() { echo "${OBJCOPY:-objcopy}"; }
tc-getPKG_CONFIG() { echo "${PKG_CONFIG:-pkg-config}"; }
tc-getBUILD_CC() { echo "${BUILD_CC:-gcc}"; }
tc-export() { local v; for v in "$@"; do eval "export $v=\"\$(tc-get$v)\""; done; }
tc-is-gcc() { $(tc-getCC) --version 2>/dev/null | grep -q 'Free Software Foundation'; }
tc-is-clang() { $(tc-getCC) --version 2>/dev/null | grep -q clang; }
tc-is-cross-compiler() { [ "${CBUILD:-$CHOST}" != "$CHOST" ]; }
append-flags() { export CFLAGS="$CFLAGS $*" CXXFLAGS="$CXXFLAGS $*"; }
append-cflags() { export CFLAGS="$CFLAGS $*"; }
append-cxxflags() { export CXXFLAGS="$CXXFLAGS $*"; }
append-cppflags() { export CPPFLAGS="$CPPFLAGS $*"; }
append-ldflags() { export LDFLAGS="$LDFLAGS $*"; }
filter-flags() { :; }
replace-flags() { :; }
strip-flags() { :; }
edo() { echo "$*"; "$@" || die "$* failed"; }
eautoreconf() { autoreconf --force --install || die "eautoreconf failed"; }
elibtoolize() { :; }

# ---- installing ----
__insdir=/usr/share
__exedir=/usr/bin
__docdir=
__into=/usr
__insopts=(-m0644)
__exeopts=(-m0755)
__install() { install "$@" || __helper_fail "install $* failed"; }
into() { if [ "$1" = / ]; then __into=; else __into=$1; fi; }
insinto() { __insdir=$1; }
exeinto() { __exedir=$1; }
docinto() { __docdir=$1; }
insopts() { __insopts=("$@"); }
exeopts() { __exeopts=("$@"); }
dodir() { local d; for d in "$@"; do mkdir -p "$ED/${d#/}" || die "dodir $d"; done; }
keepdir() { local d; for d in "$@"; do dodir "$d"; touch "$ED/${d#/}/.keep_${CATEGORY}_${PN}-${SLOT%/*}"; done; }
dobin() { dodir "$__into/bin"; __install -m0755 "$@" "$ED/${__into#/}/bin/"; }
dosbin() { dodir "$__into/sbin"; __install -m0755 "$@" "$ED/${__into#/}/sbin/"; }
newbin() { local t="$T/.new/$2"; mkdir -p "${t%/*}"; cp -f "$1" "$t" && dobin "$t"; }
newsbin() { local t="$T/.new/$2"; mkdir -p "${t%/*}"; cp -f "$1" "$t" && dosbin "$t"; }
doexe() { dodir "$__exedir"; __install "${__exeopts[@]}" "$@" "$ED/${__exedir#/}/"; }
newexe() { local t="$T/.new/$2"; mkdir -p "${t%/*}"; cp -f "$1" "$t" && doexe "$t"; }
doins() {
	local recursive=0 f
	[ "${1:-}" = -r ] && { recursive=1; shift; }
	dodir "$__insdir"
	for f in "$@"; do
		if [ -d "$f" ]; then
			[ $recursive = 1 ] || __helper_fail "doins: $f is a directory (use doins -r)" || return
			cp -R --preserve=mode "$f" "$ED/${__insdir#/}/" || __helper_fail "doins -r $f failed" || return
		else
			__install "${__insopts[@]}" "$f" "$ED/${__insdir#/}/" || return
		fi
	done
}
newins() { local t="$T/.new/$2"; mkdir -p "${t%/*}"; cp -f "$1" "$t" && doins "$t"; }
dolib.so() { dodir "$__into/$(get_libdir)"; __install -m0755 "$@" "$ED/${__into#/}/$(get_libdir)/"; }
dolib.a() { dodir "$__into/$(get_libdir)"; __install -m0644 "$@" "$ED/${__into#/}/$(get_libdir)/"; }
newlib.so() { local t="$T/.new/$2"; mkdir -p "${t%/*}"; cp -f "$1" "$t" && dolib.so "$t"; }
newlib.a() { local t="$T/.new/$2"; mkdir -p "${t%/*}"; cp -f "$1" "$t" && dolib.a "$t"; }
doheader() {
	local recursive=0
	[ "${1:-}" = -r ] && { recursive=1; shift; }
	local old=$__insdir
	insinto /usr/include
	if [ $recursive = 1 ]; then doins -r "$@"; else doins "$@"; fi
	__insdir=$old
}
dodoc() {
	local recursive=0 f d="/usr/share/doc/$PF${__docdir:+/${__docdir#/}}"
	[ "${1:-}" = -r ] && { recursive=1; shift; }
	dodir "$d"
	for f in "$@"; do
		if [ -d "$f" ]; then
			[ $recursive = 1 ] || __helper_fail "dodoc: $f is a directory" || return
			cp -R "$f" "$ED/${d#/}/"
		else
			__install -m0644 "$f" "$ED/${d#/}/" || return
		fi
	done
}
newdoc() { local t="$T/.new/$2"; mkdir -p "${t%/*}"; cp -f "$1" "$t" && dodoc "$t"; }
doman() {
	local f s
	for f in "$@"; do
		s=${f##*.}
		[[ $s =~ ^[0-9n] ]] || s=1
		dodir "/usr/share/man/man${s:0:1}"
		__install -m0644 "$f" "$ED/usr/share/man/man${s:0:1}/" || return
	done
}
newman() { local t="$T/.new/$2"; mkdir -p "${t%/*}"; cp -f "$1" "$t" && doman "$t"; }
doinfo() { dodir /usr/share/info; __install -m0644 "$@" "$ED/usr/share/info/"; }
doenvd() { dodir /etc/env.d; __install -m0644 "$@" "$ED/etc/env.d/"; }
newenvd() { local t="$T/.new/$2"; mkdir -p "${t%/*}"; cp -f "$1" "$t" && doenvd "$t"; }
doinitd() { dodir /etc/init.d; __install -m0755 "$@" "$ED/etc/init.d/"; }
newinitd() { local t="$T/.new/$2"; mkdir -p "${t%/*}"; cp -f "$1" "$t" && doinitd "$t"; }
doconfd() { dodir /etc/conf.d; __install -m0644 "$@" "$ED/etc/conf.d/"; }
newconfd() { local t="$T/.new/$2"; mkdir -p "${t%/*}"; cp -f "$1" "$t" && doconfd "$t"; }
dosym() {
	local rel=0
	[ "${1:-}" = -r ] && { rel=1; shift; }
	local target=$1 link="$ED/${2#/}"
	mkdir -p "$(dirname "$link")"
	if [ $rel = 1 ]; then target=$(realpath -m --relative-to="$(dirname "/${2#/}")" "$target"); fi
	ln -snf "$target" "$link" || __helper_fail "dosym $*" || return
}
fperms() { local m=$1 f; shift; for f in "$@"; do chmod "$m" "$ED/${f#/}" || __helper_fail "fperms $m $f"; done; }
fowners() {
	# Ownership cannot be set inside the user namespace; record it for the rootfs assembly.
	echo "$*" >>"$ED/.buckos-fowners" 2>/dev/null
	true
}
einstalldocs() {
	local d
	if ! declare -p DOCS >/dev/null 2>&1; then
		for d in README* ChangeLog AUTHORS NEWS TODO CHANGES THANKS BUGS FAQ CREDITS CHANGELOG; do
			[ -s "$d" ] && dodoc "$d"
		done
	elif [ "$(declare -p DOCS)" != "${DOCS%%=*}" ]; then
		[ ${#DOCS[@]} -gt 0 ] && dodoc -r "${DOCS[@]}"
	fi
	if declare -p HTML_DOCS >/dev/null 2>&1 && [ ${#HTML_DOCS[@]} -gt 0 ]; then
		docinto html
		dodoc -r "${HTML_DOCS[@]}"
		docinto /
	fi
	return 0
}

# ---- inherit and EXPORT_FUNCTIONS (PMS 10): eclasses come from ${ECLASSDIR} ----
__inherited_done=" "
inherit() {
	local e f saved_eclass=${ECLASS-} saved_export=${__export_funcs_var-}
	for e in "$@"; do
		case "$__inherited_done" in *" $e "*) continue ;; esac
		f="$ECLASSDIR/$e.eclass"
		if [ ! -f "$f" ]; then
			# No eclass file staged: the runner's built-in entry points (cmake_src_configure,
			# multilib-minimal_src_*, ...) stand in for it.
			__missing_eclasses+=" $e"
			continue
		fi
		# An eclass whose global scope dies here (e.g. it needs a variable the ebuild's
		# global scope set, such as PYTHON_COMPAT) is skipped, not fatal.
		if ! (ECLASS=$e __export_funcs_var=__probe; source "$f") >>"$T/setup.log" 2>&1; then
			ewarn "inherit: $e.eclass fails outside the ebuild's global scope; using built-in entry points" >>"$T/setup.log" 2>&1
			__missing_eclasses+=" $e"
			continue
		fi
		__inherited_done+="$e "
		ECLASS=$e
		__export_funcs_var=__export_$RANDOM$RANDOM
		# shellcheck disable=SC1090
		source "$f" || die "inherit: sourcing $e.eclass failed"
		local fn
		for fn in ${!__export_funcs_var}; do
			eval "$fn() { ${e}_$fn \"\$@\"; }"
		done
		case " $INHERITED " in *" $e "*) ;; *) INHERITED+=" $e" ;; esac
	done
	ECLASS=$saved_eclass
	__export_funcs_var=$saved_export
}
EXPORT_FUNCTIONS() {
	[ -n "${__export_funcs_var-}" ] || die "EXPORT_FUNCTIONS outside an eclass"
	eval "$__export_funcs_var+=\" $*\""
}
debug-print() { :; }
debug-print-function() { :; }
debug-print-section() { :; }
has_version() { ewarn "has_version $*: BuckOS has no installed-package database at build time; answering no"; return 1; }
best_version() { ewarn "best_version $*: no installed-package database at build time"; echo ""; }
docompress() { :; }
dostrip() { :; }
diropts() { :; }
libopts() { :; }
strip-lto-bytecode() { :; }
lto-guarantee-fat() { :; }
__missing_eclasses=

# ---- PMS default phases ----
default_pkg_setup() { :; }
default_src_unpack() { [ -n "$A" ] && unpack $A; return 0; }
default_src_prepare() {
	if declare -p PATCHES >/dev/null 2>&1 && [ ${#PATCHES[@]} -gt 0 ]; then
		eapply "${PATCHES[@]}"
	elif [ ${#__BUCKOS_PATCH_FILES[@]} -gt 0 ]; then
		eapply "${__BUCKOS_PATCH_FILES[@]}"
	fi
	eapply_user
}
default_src_configure() { if [ -x "${ECONF_SOURCE:-.}/configure" ]; then econf "${BUCKOS_CONFIGURE_ARGS[@]}"; fi; }
default_src_compile() {
	if [ -f Makefile ] || [ -f GNUmakefile ] || [ -f makefile ]; then emake || die "emake failed"; fi
}
default_src_test() {
	if [ -f Makefile ] || [ -f GNUmakefile ] || [ -f makefile ]; then
		if ${MAKE:-make} -n check >/dev/null 2>&1; then emake -j1 check
		elif ${MAKE:-make} -n test >/dev/null 2>&1; then emake -j1 test; fi
	fi
}
default_src_install() {
	if [ -f Makefile ] || [ -f GNUmakefile ] || [ -f makefile ]; then emake DESTDIR="$D" install; fi
	einstalldocs
}
default() {
	case "$EBUILD_PHASE" in
	pkg_setup | src_unpack | src_prepare | src_configure | src_compile | src_test | src_install) "default_$EBUILD_PHASE" ;;
	*) die "default is not valid in $EBUILD_PHASE" ;;
	esac
}

# ---- build-system phases (used when the package does not define the phase) ----
__bs_autotools_src_prepare() {
	default_src_prepare
	if [ ! -x configure ] && { [ -f configure.ac ] || [ -f configure.in ]; }; then eautoreconf; fi
}
__bs_make_src_configure() { :; }
__bs_make_src_compile() { emake CC="$(tc-getCC)" AR="$(tc-getAR)" "${BUCKOS_MAKE_ARGS[@]}"; }
__bs_make_src_install() {
	emake DESTDIR="$D" PREFIX=/usr prefix=/usr LIBDIR="/usr/$(get_libdir)" "${BUCKOS_INSTALL_ARGS[@]}" install
	einstalldocs
}
__bs_autotools_src_configure() { econf "${BUCKOS_CONFIGURE_ARGS[@]}"; }
__bs_autotools_src_compile() { emake "${BUCKOS_MAKE_ARGS[@]}"; }
__bs_autotools_src_install() { emake DESTDIR="$D" "${BUCKOS_INSTALL_ARGS[@]}" install; einstalldocs; }
__bs_cmake_src_configure() {
	local gen="Unix Makefiles"
	command -v ninja >/dev/null 2>&1 && gen=Ninja
	BUILD_DIR=${BUILD_DIR:-$WORKDIR/${P}_build}
	cmake -S "${CMAKE_USE_DIR:-$S}" -B "$BUILD_DIR" -G "$gen" -DCMAKE_INSTALL_PREFIX=/usr \
		-DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}" -DCMAKE_INSTALL_LIBDIR="$(get_libdir)" \
		-DCMAKE_PREFIX_PATH="$SYSROOT/usr" -DBUILD_SHARED_LIBS=ON "${BUCKOS_CMAKE_ARGS[@]}" "${mycmakeargs[@]}" ||
		die "cmake configure failed"
}
__bs_cmake_src_compile() { cmake --build "${BUILD_DIR:-$WORKDIR/${P}_build}" -j"$__jobs" || die "cmake build failed"; }
__bs_cmake_src_test() { (cd "${BUILD_DIR:-$WORKDIR/${P}_build}" && ctest --output-on-failure) || die "ctest failed"; }
__bs_cmake_src_install() { DESTDIR="$D" cmake --install "${BUILD_DIR:-$WORKDIR/${P}_build}" || die "cmake install failed"; einstalldocs; }
__bs_meson_src_configure() {
	BUILD_DIR=${BUILD_DIR:-$WORKDIR/${P}-build}
	meson setup --prefix=/usr --libdir="$(get_libdir)" --sysconfdir=/etc --localstatedir=/var/lib \
		--buildtype=plain --wrap-mode=nodownload "${BUCKOS_MESON_ARGS[@]}" "${emesonargs[@]}" "$BUILD_DIR" "${EMESON_SOURCE:-$S}" ||
		die "meson setup failed"
}
__bs_meson_src_compile() { meson compile -C "${BUILD_DIR:-$WORKDIR/${P}-build}" -j "$__jobs" || die "meson compile failed"; }
__bs_meson_src_test() { meson test -C "${BUILD_DIR:-$WORKDIR/${P}-build}" || die "meson test failed"; }
__bs_meson_src_install() { meson install -C "${BUILD_DIR:-$WORKDIR/${P}-build}" --destdir "$D" --no-rebuild || die "meson install failed"; einstalldocs; }
__bs_cargo_src_configure() { :; }
__bs_cargo_src_compile() {
	export CARGO_HOME="$T/cargo-home" CARGO_NET_OFFLINE=true
	cargo build --release --offline "${BUCKOS_CARGO_ARGS[@]}" || die "cargo build failed"
}
__bs_cargo_src_test() { cargo test --release --offline || die "cargo test failed"; }
__bs_cargo_src_install() {
	local b
	if [ ${#BUCKOS_BINS[@]} -gt 0 ]; then
		for b in "${BUCKOS_BINS[@]}"; do dobin "target/release/$b"; done
	else
		cargo install --offline --no-track --path . --root "$D/usr" || die "cargo install failed"
	fi
	einstalldocs
}
__bs_go_src_configure() { :; }
__bs_go_src_compile() {
	export GOFLAGS="${GOFLAGS:--mod=vendor -trimpath}" GOPROXY=off GOTOOLCHAIN=local GOCACHE="$T/go-cache" GOPATH="$T/go"
	mkdir -p "$T/go-bin"
	go build -o "$T/go-bin/" "${BUCKOS_GO_PACKAGES[@]:-.}" || die "go build failed"
}
__bs_go_src_test() { go test "${BUCKOS_GO_PACKAGES[@]:-./...}" || die "go test failed"; }
__bs_go_src_install() { local b; for b in "$T"/go-bin/*; do [ -f "$b" ] && dobin "$b"; done; einstalldocs; }
__bs_python_src_configure() { :; }
__bs_python_src_compile() {
	${PYTHON:-python3} -m pip wheel --no-index --no-deps --no-build-isolation -w "$T/wheels" . || die "building the wheel failed"
}
__bs_python_src_install() {
	${PYTHON:-python3} -m pip install --no-index --no-deps --no-compile --root "$D" --prefix /usr "$T"/wheels/*.whl || die "installing the wheel failed"
	einstalldocs
}
__bs_python_src_test() { ${PYTHON:-python3} -m pytest || die "pytest failed"; }
__bs_perl_src_configure() {
	if [ -f Build.PL ]; then perl Build.PL --installdirs=vendor --destdir="$D" || die "perl Build.PL failed"
	else perl Makefile.PL INSTALLDIRS=vendor NO_PACKLIST=1 NO_PERLLOCAL=1 "${BUCKOS_CONFIGURE_ARGS[@]}" || die "perl Makefile.PL failed"; fi
}
__bs_perl_src_compile() { if [ -f Build ]; then ./Build || die; else emake; fi; }
__bs_perl_src_test() { if [ -f Build ]; then ./Build test || die; else emake test; fi; }
__bs_perl_src_install() { if [ -f Build ]; then ./Build install || die; else emake DESTDIR="$D" pure_install; fi; einstalldocs; }

# ---- eclass entry points: verbatim phases call these; eclasses are not sourced ----
cmake_src_prepare() { default_src_prepare; }
cmake_src_configure() { __bs_cmake_src_configure "$@"; }
cmake_src_compile() { __bs_cmake_src_compile "$@"; }
cmake_build() { cmake --build "${BUILD_DIR:-$WORKDIR/${P}_build}" -j"$__jobs" -- "$@" || die "cmake_build failed"; }
cmake_src_test() { __bs_cmake_src_test "$@"; }
cmake_src_install() { __bs_cmake_src_install "$@"; }
cmake_use_find_package() { if use "$1"; then echo "-DCMAKE_DISABLE_FIND_PACKAGE_$2=OFF"; else echo "-DCMAKE_DISABLE_FIND_PACKAGE_$2=ON"; fi; }
cmake_comment_add_subdirectory() { local d; for d in "$@"; do sed -i -e "/add_subdirectory[[:space:]]*([[:space:]]*${d//\//\\/}[[:space:]]*)/I s/^/#DONOTBUILD /" "${CMAKE_USE_DIR:-$S}/CMakeLists.txt"; done; }
meson_src_configure() { emesonargs+=("$@"); __bs_meson_src_configure; }
meson_src_compile() { __bs_meson_src_compile "$@"; }
meson_src_test() { __bs_meson_src_test "$@"; }
meson_src_install() { __bs_meson_src_install "$@"; }
eninja() { ninja -C "${BUILD_DIR:-.}" -j"$__jobs" "$@" || die "ninja failed"; }
meson_use() { usex "$1" "-D${2-$1}=true" "-D${2-$1}=false"; }
meson_feature() { usex "$1" "-D${2-$1}=enabled" "-D${2-$1}=disabled"; }
distutils-r1_src_prepare() { default_src_prepare; }
distutils-r1_src_configure() { :; }
distutils-r1_src_compile() { __bs_python_src_compile "$@"; }
distutils-r1_src_test() { __bs_python_src_test "$@"; }
distutils-r1_src_install() { __bs_python_src_install "$@"; }
cargo_src_configure() { :; }
cargo_src_compile() { __bs_cargo_src_compile "$@"; }
cargo_src_test() { __bs_cargo_src_test "$@"; }
cargo_src_install() { __bs_cargo_src_install "$@"; }
go-module_src_unpack() { default_src_unpack; }
perl-module_src_configure() { __bs_perl_src_configure "$@"; }
perl-module_src_compile() { __bs_perl_src_compile "$@"; }
perl-module_src_test() { __bs_perl_src_test "$@"; }
perl-module_src_install() { __bs_perl_src_install "$@"; }
# multilib-minimal / multilib-build for the one native ABI, as the real eclasses do it:
# a separate BUILD_DIR per ABI, sources copied only by multilib_copy_sources.
__multilib_dir() { BUILD_DIR=${WORKDIR}/${P}-abi_x86_64.amd64; mkdir -p "$BUILD_DIR"; cd "$BUILD_DIR" || die; }
multilib_get_enabled_abis() { echo amd64; }
multilib_foreach_abi() { local BUILD_DIR; __multilib_dir; "$@"; }
multilib_parallel_foreach_abi() { multilib_foreach_abi "$@"; }
multilib_for_best_abi() { multilib_foreach_abi "$@"; }
multilib_copy_sources() { BUILD_DIR=${WORKDIR}/${P}-abi_x86_64.amd64; mkdir -p "$BUILD_DIR"; cp -a "$S/." "$BUILD_DIR/" || die; }
multilib_check_headers() { :; }
multilib_prepare_wrappers() { :; }
multilib_install_wrappers() { :; }
get_exeext() { echo ""; }
get_modname() { echo ".so"; }
multilib-minimal_src_configure() {
	local BUILD_DIR
	__multilib_dir
	if declare -F multilib_src_configure >/dev/null; then ECONF_SOURCE=${ECONF_SOURCE:-$S} multilib_src_configure
	else ECONF_SOURCE=${ECONF_SOURCE:-$S} default_src_configure; fi
}
multilib-minimal_src_compile() {
	local BUILD_DIR
	__multilib_dir
	if declare -F multilib_src_compile >/dev/null; then multilib_src_compile; else default_src_compile; fi
}
multilib-minimal_src_test() {
	local BUILD_DIR
	__multilib_dir
	if declare -F multilib_src_test >/dev/null; then multilib_src_test; else default_src_test; fi
}
multilib-minimal_src_install() {
	local BUILD_DIR
	__multilib_dir
	if declare -F multilib_src_install >/dev/null; then multilib_src_install; else emake DESTDIR="$D" install; fi
	cd "$S" || die
	if declare -F multilib_src_install_all >/dev/null; then multilib_src_install_all; else einstalldocs; fi
}
multilib_is_native_abi() { return 0; }
multilib_native_use_enable() { use_enable "$@"; }
multilib_native_use_with() { use_with "$@"; }
multilib_native_usex() { usex "$@"; }

__run_phase() {
	local ph=$1
	export EBUILD_PHASE=$ph EBUILD_PHASE_FUNC=$ph
	echo "$ph" >"$T/.phase"
	case "$ph" in
	pkg_setup | src_unpack) cd "$WORKDIR" || die ;;
	*) if [ -d "$S" ]; then cd "$S" || die; else cd "$WORKDIR" || die; fi ;;
	esac
	echo "$PWD" >"$T/.cwd"
	echo "📦 Phase: $ph" >&2
	if declare -F "buckos_pre_$ph" >/dev/null; then "buckos_pre_$ph"; fi
	local e exported=
	if ! declare -F "$ph" >/dev/null; then
		# An eclass with no staged file: the last one whose built-in entry point exists
		# stands in for its EXPORT_FUNCTIONS (sourced eclasses export for themselves).
		for e in $INHERITED; do
			case " $__missing_eclasses " in *" $e "*) ;; *) [ -f "$ECLASSDIR/$e.eclass" ] && continue ;; esac
			if declare -F "${e}_$ph" >/dev/null; then exported="${e}_$ph"; fi
		done
	fi
	if declare -F "$ph" >/dev/null; then
		"$ph"
	elif [ -n "$exported" ]; then
		"$exported"
	elif declare -F "__bs_${BUCKOS_BUILD_SYSTEM}_$ph" >/dev/null; then
		"__bs_${BUCKOS_BUILD_SYSTEM}_$ph"
	else
		"default_$ph"
	fi
	if declare -F "buckos_post_$ph" >/dev/null; then "buckos_post_$ph"; fi
}

__driver() {
	# Ebuild code expects Portage's shell: no nounset, no pipefail.
	set +u +o pipefail
	# shellcheck disable=SC1090
	source "$1" || exit 1
	export WORKDIR T D DISTDIR FILESDIR SYSROOT HOME PATH TMPDIR
	export ED=$D ROOT=/ EROOT=/ EPREFIX= ESYSROOT=$SYSROOT BROOT=
	export CHOST=${CHOST:-$(gcc -dumpmachine 2>/dev/null || echo x86_64-pc-linux-gnu)}
	export CBUILD=$CHOST
	# What the amd64 profile provides for multilib-build and get_libdir.
	export ARCH=${ARCH:-amd64} ABI=${ABI:-amd64} DEFAULT_ABI=${DEFAULT_ABI:-amd64} MULTILIB_ABIS=${MULTILIB_ABIS:-amd64}
	export LIBDIR_amd64=lib64 CHOST_amd64=$CHOST KERNEL=linux ELIBC=glibc USERLAND=GNU
	__jobs=$(nproc 2>/dev/null || echo 2)
	export MAKEOPTS="-j$__jobs"
	export CFLAGS="${CFLAGS:--O2 -pipe}" CXXFLAGS="${CXXFLAGS:--O2 -pipe}"
	local libs="$SYSROOT/usr/lib64:$SYSROOT/usr/lib:$SYSROOT/lib64:$SYSROOT/lib"
	export CPPFLAGS="${CPPFLAGS:-} -I$SYSROOT/usr/include"
	export LDFLAGS="${LDFLAGS:-} -L$SYSROOT/usr/lib64 -L$SYSROOT/usr/lib -Wl,-rpath-link,$libs"
	export PKG_CONFIG_PATH="$SYSROOT/usr/lib64/pkgconfig:$SYSROOT/usr/lib/pkgconfig:$SYSROOT/usr/share/pkgconfig"
	if [ "$__BUCKOS_TOOLCHAIN_MODE" = bootstrap ]; then
		export PKG_CONFIG_SYSROOT_DIR=$SYSROOT PKG_CONFIG_LIBDIR=$PKG_CONFIG_PATH
	fi
	export CMAKE_PREFIX_PATH="$SYSROOT/usr" ACLOCAL_PATH="$SYSROOT/usr/share/aclocal"
	export LD_LIBRARY_PATH="$libs${__BUCKOS_TOOL_LIB:+:$__BUCKOS_TOOL_LIB}"
	export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-0}
	BUCKOS_CONFIGURE_ARGS=() BUCKOS_CMAKE_ARGS=() BUCKOS_MESON_ARGS=() BUCKOS_MAKE_ARGS=()
	BUCKOS_INSTALL_ARGS=() BUCKOS_CARGO_ARGS=() BUCKOS_GO_PACKAGES=() BUCKOS_BINS=()
	mycmakeargs=() emesonargs=()

	# The package: metadata variables, USE, attributes and the verbatim phase functions.
	# shellcheck disable=SC1090
	echo setup >"$T/.phase"
	source "$__BUCKOS_EBUILD" >"$T/setup.log" 2>&1 || die "sourcing the package definition failed"
	if [ -n "$__missing_eclasses" ]; then
		echo " * eclasses without a staged file (built-in entry points used):$__missing_eclasses" >>"$T/setup.log"
	fi
	: "${S:=$WORKDIR/$P}"
	export S P PN PV PR PVR PF CATEGORY SLOT EAPI USE A
	echo "$CATEGORY/$PF" >"$T/.pf"
	echo "$CATEGORY" >"$T/.category"

	local ph
	for ph in pkg_setup src_unpack src_prepare src_configure src_compile src_test src_install; do
		if [ "$ph" = src_test ]; then
			if [ "$__BUCKOS_RUN_TESTS" != 1 ] || has test $RESTRICT; then continue; fi
		fi
		# As in Portage, only die (or a helper dying) fails a phase; its return status does not.
		__run_phase "$ph" >"$T/$ph.log" 2>&1
	done
	# Portage's QA: nothing may be installed outside $D; a missing $D means the install did nothing.
	[ -d "$D" ] || die "src_install created no image"
	echo "done" >"$T/.phase"
	echo "✓ $CATEGORY/$PF installed into the image" >&2
}

if [ $__mode = driver ]; then
	__driver "$2"
elif [ $__mode = unbuildable ]; then
	__unbuildable "$@"
else
	__outer "$@"
fi
