# Copyright 2026 BuckOS authors
# Distributed under the terms of the GNU General Public License v2

# @ECLASS: buckos-utils.eclass
# @MAINTAINER:
# BuckOS team
# @SUPPORTED_EAPIS: 8
# @BLURB: Small helpers shared by the ebuilds of the BuckOS overlay.

case ${EAPI} in
	8) ;;
	*) die "${ECLASS}: EAPI ${EAPI:-0} not supported" ;;
esac

if [[ -z ${_BUCKOS_UTILS_ECLASS} ]]; then
_BUCKOS_UTILS_ECLASS=1

# @ECLASS_VARIABLE: BUCKOS_RELEASE
# @DESCRIPTION:
# The BuckOS release the overlay belongs to.
: "${BUCKOS_RELEASE:=2026.11}"

# @FUNCTION: buckos_os_release
# @USAGE: <template>
# @DESCRIPTION:
# Print the template with @RELEASE@ replaced by BUCKOS_RELEASE.
buckos_os_release() {
	local line
	while IFS= read -r line; do
		printf '%s\n' "${line//@RELEASE@/${BUCKOS_RELEASE}}"
	done < "${1}" || die "cannot read ${1}"
}

fi
