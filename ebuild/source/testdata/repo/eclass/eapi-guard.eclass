# Test eclass: refuses EAPIs other than 8.
case ${EAPI} in
	8) ;;
	*) die "${ECLASS}: EAPI ${EAPI} unsupported" ;;
esac
