package source

import (
	"bufio"
	"io"
	"regexp"
	"strings"
)

// eapiLine is PMS's EAPI assignment: optional blanks, EAPI=, a value made
// of [A-Za-z0-9+_.-] optionally quoted with matching quotes, optional
// blanks and an optional comment.
var eapiLine = regexp.MustCompile(`^[ \t]*EAPI=(['"]?)([A-Za-z0-9+_.-]*)(['"]?)[ \t]*([ \t]#.*)?$`)

// ParseEAPIHead reads the EAPI an ebuild declares the way Portage does
// before sourcing it: the first line that is neither blank nor a comment
// must be the EAPI assignment; otherwise the EAPI is "0".
func ParseEAPIHead(r io.Reader) (string, error) {
	name, _, err := parseEAPIHead(r)
	return name, err
}

// parseEAPIHead also returns the line the EAPI was read from (0 if none).
func parseEAPIHead(r io.Reader) (string, int, error) {
	sc := bufio.NewScanner(r)
	n := 0
	// The buffer starts small (4 KiB) and grows to 1 MiB lines: the EAPI
	// line comes first, after a few comments.
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		n++
		trimmed := strings.TrimLeft(line, " \t\r\v\f")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		m := eapiLine.FindStringSubmatch(line)
		if m == nil || m[1] != m[3] {
			return "0", n, nil
		}
		return m[2], n, nil
	}
	if err := sc.Err(); err != nil {
		return "", 0, err
	}
	return "0", 0, nil
}
