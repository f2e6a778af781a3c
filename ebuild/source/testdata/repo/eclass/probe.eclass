# Test eclass: records what inherit's environment looks like while it is
# sourced, around a nested inherit.
PROBE_SEEN="ECLASS=${ECLASS} DEPTH=${ECLASS_DEPTH} IUSE=${IUSE-unset} RESTRICT=${RESTRICT-unset} FUNCNAME=${FUNCNAME[*]}"
inherit base-a
PROBE_AFTER="ECLASS=${ECLASS} DEPTH=${ECLASS_DEPTH} IUSE=${IUSE-unset} INHERITED=${INHERITED}"
IUSE="probe"
probe_count=$(( ${probe_count:-0} + 1 ))
