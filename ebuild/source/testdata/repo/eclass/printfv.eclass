# Test eclass: builds a dependency with printf -v at global scope.
_VERS=( 1.18 1.17 )
_dep() {
	local v
	printf -v _ALT '>=dev-build/tool-%s:%s ' "${_VERS[@]}" "${_VERS[@]}"
}
_dep
BDEPEND="|| ( ${_ALT} )"
unset -f _dep
