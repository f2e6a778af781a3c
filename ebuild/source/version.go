package source

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/interp"
)

// verSplit splits a version into alternating separators and components
// (PMS ver_cut algorithm): comp[0] is the separator before the first
// component, comp[1] the first component, and so on, always in pairs.
func verSplit(v string) []string {
	var comp []string
	isAlnum := func(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	isAlpha := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	for v != "" {
		i := 0
		for i < len(v) && !isAlnum(v[i]) {
			i++
		}
		sep := v[:i]
		v = v[i:]
		j := 0
		if v != "" && isDigit(v[0]) {
			for j < len(v) && isDigit(v[j]) {
				j++
			}
		} else {
			for j < len(v) && isAlpha(v[j]) {
				j++
			}
		}
		comp = append(comp, sep, v[:j])
		v = v[j:]
	}
	return comp
}

// verRange parses "N", "N-" or "N-M", clamping the end to max.
func verRange(rng string, max int) (start, end int, err error) {
	if rng == "" || rng[0] < '0' || rng[0] > '9' {
		return 0, 0, fmt.Errorf("range must start with a number")
	}
	s, e := rng, rng
	if i := strings.LastIndexByte(rng, '-'); i >= 0 {
		s = rng[:i]
	}
	if i := strings.IndexByte(rng, '-'); i >= 0 {
		e = rng[i+1:]
	}
	start, err = strconv.Atoi(s)
	if err != nil {
		return 0, 0, fmt.Errorf("invalid range %q", rng)
	}
	if e == "" {
		return start, max, nil
	}
	end, err = strconv.Atoi(e)
	if err != nil {
		return 0, 0, fmt.Errorf("invalid range %q", rng)
	}
	if start > end {
		return 0, 0, fmt.Errorf("end of range must be >= start")
	}
	return start, min(end, max), nil
}

func verCut(rng, v string) (string, error) {
	comp := verSplit(v)
	start, end, err := verRange(rng, len(comp)/2)
	if err != nil {
		return "", err
	}
	if start > 0 {
		start = start*2 - 1
	}
	stop := min(end*2, len(comp))
	if start >= stop {
		return "", nil
	}
	return strings.Join(comp[start:stop], ""), nil
}

func verRs(args []string, pv string) (string, error) {
	v := pv
	if len(args)%2 == 1 {
		v = args[len(args)-1]
	}
	comp := verSplit(v)
	max := len(comp)/2 - 1
	for ; len(args) >= 2; args = args[2:] {
		start, end, err := verRange(args[0], max)
		if err != nil {
			return "", err
		}
		for i := start * 2; i <= end*2 && i < len(comp); i += 2 {
			if i == 0 && comp[i] == "" {
				continue
			}
			comp[i] = args[1]
		}
	}
	return strings.Join(comp, ""), nil
}

var pmsVersion = regexp.MustCompile(`^([0-9]+(\.[0-9]+)*)([a-z]?)((_(alpha|beta|pre|rc|p)[0-9]*)*)(-r[0-9]+)?$`)

// cmpInt compares decimal strings of any length.
func cmpInt(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// verCompare compares two PMS versions (PMS algorithms 3.1-3.7).
func verCompare(va, vb string) (int, error) {
	ma := pmsVersion.FindStringSubmatch(va)
	if ma == nil {
		return 0, fmt.Errorf("invalid version: %s", va)
	}
	mb := pmsVersion.FindStringSubmatch(vb)
	if mb == nil {
		return 0, fmt.Errorf("invalid version: %s", vb)
	}
	an, bn := strings.Split(ma[1], "."), strings.Split(mb[1], ".")
	if c := cmpInt(an[0], bn[0]); c != 0 {
		return c, nil
	}
	for i := 1; i < len(an) && i < len(bn); i++ {
		a, b := an[i], bn[i]
		if strings.HasPrefix(a, "0") || strings.HasPrefix(b, "0") {
			a, b = strings.TrimRight(a, "0"), strings.TrimRight(b, "0")
			if c := strings.Compare(a, b); c != 0 {
				return c, nil
			}
		} else if c := cmpInt(a, b); c != 0 {
			return c, nil
		}
	}
	if len(an) != len(bn) {
		if len(an) > len(bn) {
			return 1, nil
		}
		return -1, nil
	}
	if c := strings.Compare(ma[3], mb[3]); c != 0 {
		return c, nil
	}
	as, bs := splitSuffixes(ma[4]), splitSuffixes(mb[4])
	rank := map[string]int{"alpha": 0, "beta": 1, "pre": 2, "rc": 3, "p": 4}
	for i := 0; i < len(as) && i < len(bs); i++ {
		an, anum := suffixParts(as[i])
		bn, bnum := suffixParts(bs[i])
		if an == bn {
			if c := cmpInt(anum, bnum); c != 0 {
				return c, nil
			}
			continue
		}
		if rank[an] > rank[bn] {
			return 1, nil
		}
		return -1, nil
	}
	if len(as) > len(bs) {
		if n, _ := suffixParts(as[len(bs)]); n == "p" {
			return 1, nil
		}
		return -1, nil
	}
	if len(bs) > len(as) {
		if n, _ := suffixParts(bs[len(as)]); n == "p" {
			return -1, nil
		}
		return 1, nil
	}
	return cmpInt(strings.TrimPrefix(ma[7], "-r"), strings.TrimPrefix(mb[7], "-r")), nil
}

func splitSuffixes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimPrefix(s, "_"), "_")
}

func suffixParts(s string) (name, num string) {
	i := strings.IndexAny(s, "0123456789")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// version runs ver_cut, ver_rs and ver_test.
func (st *run) version(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	name := args[0]
	pv, _ := getStr(hc.Env, "PV")
	switch name {
	case "ver_cut":
		if len(args) < 2 {
			return st.fail(ctx, "die: ver_cut: missing range", nil)
		}
		v := pv
		if len(args) > 2 && args[2] != "" {
			v = args[2]
		}
		out, err := verCut(args[1], v)
		if err != nil {
			return st.fail(ctx, "die: ver_cut: "+err.Error(), nil)
		}
		fmt.Fprintln(hc.Stdout, out)
	case "ver_rs":
		out, err := verRs(args[1:], pv)
		if err != nil {
			return st.fail(ctx, "die: ver_rs: "+err.Error(), nil)
		}
		fmt.Fprintln(hc.Stdout, out)
	case "ver_test":
		a := args[1:]
		va, _ := getStr(hc.Env, "PVR")
		if len(a) == 3 {
			va, a = a[0], a[1:]
		}
		if len(a) != 2 {
			return st.fail(ctx, "die: ver_test: bad number of arguments", nil)
		}
		c, err := verCompare(va, a[1])
		if err != nil {
			return st.fail(ctx, "die: ver_test: "+err.Error(), nil)
		}
		var ok bool
		switch a[0] {
		case "-eq":
			ok = c == 0
		case "-ne":
			ok = c != 0
		case "-lt":
			ok = c < 0
		case "-le":
			ok = c <= 0
		case "-gt":
			ok = c > 0
		case "-ge":
			ok = c >= 0
		default:
			return st.fail(ctx, "die: ver_test: invalid operator: "+a[0], nil)
		}
		if !ok {
			return interp.ExitStatus(1)
		}
	}
	return nil
}
