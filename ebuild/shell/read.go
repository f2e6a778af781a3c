package shell

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"mvdan.cc/sh/v3/interp"
)

// ReadCommand replaces `read` when it uses -d, which mvdan lacks.
const ReadCommand = "__buckos_read"

func usesReadDelim(args []string) bool {
	for _, a := range args[1:] {
		if a == "--" || !strings.HasPrefix(a, "-") || len(a) < 2 {
			return false
		}
		if strings.ContainsRune(a[1:], 'd') {
			return true
		}
		if strings.ContainsAny(a[len(a)-1:], "apntu") {
			return false // takes the next word; -d would have been seen
		}
	}
	return false
}

// Read runs ReadCommand: bash's read with -r, -d DELIM, -a ARRAY (and -s,
// -p, -t accepted and ignored), IFS field splitting, assigning in the
// caller's scope.
func Read(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	raw, delim, array := false, byte('\n'), ""
	i := 1
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if !strings.HasPrefix(a, "-") || len(a) < 2 {
			break
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			switch c {
			case 'r':
				raw = true
			case 's':
			case 'd', 'a', 'p', 't', 'u', 'n', 'N':
				val := a[j+1:]
				if val == "" {
					i++
					if i >= len(args) {
						return fmt.Errorf("read: -%c: option requires an argument", c)
					}
					val = args[i]
				}
				switch c {
				case 'd':
					delim = 0
					if val != "" {
						delim = val[0]
					}
				case 'a':
					array = val
				case 'n', 'N', 'u':
					return fmt.Errorf("read: -%c is not supported", c)
				}
				j = len(a)
			default:
				return fmt.Errorf("read: -%c: invalid option", c)
			}
		}
	}
	names := args[i:]
	for _, n := range append(append([]string{}, names...), array) {
		if n != "" && !varRef.MatchString(n) {
			return fmt.Errorf("read: `%s': not a valid identifier", n)
		}
	}
	var line strings.Builder
	status := 0
	if hc.Stdin == nil {
		status = 1
	} else {
		br := bufio.NewReader(hc.Stdin)
		for {
			c, err := br.ReadByte()
			if err == io.EOF {
				status = 1
				break
			}
			if err != nil {
				return err
			}
			if !raw && c == '\\' {
				n, err := br.ReadByte()
				if err != nil {
					status = 1
					break
				}
				if n != '\n' {
					line.WriteByte(n)
				}
				continue
			}
			if c == delim {
				break
			}
			line.WriteByte(c)
		}
	}
	ifs := " \t\n"
	if v := hc.Env.Get("IFS"); v.IsSet() {
		ifs = v.String()
	}
	var code strings.Builder
	switch {
	case array != "":
		fields := splitIFS(line.String(), ifs, -1)
		code.WriteString(array + "=(")
		for _, f := range fields {
			code.WriteString(" " + Quote(f))
		}
		code.WriteString(" )")
	case len(names) == 0:
		code.WriteString("REPLY=" + Quote(line.String()))
	default:
		fields := splitIFS(line.String(), ifs, len(names))
		for k, n := range names {
			v := ""
			if k < len(fields) {
				v = fields[k]
			}
			fmt.Fprintf(&code, "%s=%s; ", n, Quote(v))
		}
	}
	if err := hc.Builtin(ctx, []string{"eval", code.String()}); err != nil {
		return err
	}
	if status != 0 {
		return interp.ExitStatus(uint8(status))
	}
	return nil
}

// splitIFS splits s into at most n fields (n < 0: no limit) like read:
// the last field keeps the rest of the line minus trailing IFS whitespace.
func splitIFS(s, ifs string, n int) []string {
	isWhite := func(c byte) bool { return (c == ' ' || c == '\t' || c == '\n') && strings.IndexByte(ifs, c) >= 0 }
	isIFS := func(c byte) bool { return strings.IndexByte(ifs, c) >= 0 }
	i := 0
	for i < len(s) && isWhite(s[i]) {
		i++
	}
	var fields []string
	for i < len(s) {
		if n > 0 && len(fields) == n-1 {
			rest := s[i:]
			end := len(rest)
			for end > 0 && isWhite(rest[end-1]) {
				end--
			}
			fields = append(fields, rest[:end])
			return fields
		}
		j := i
		for j < len(s) && !isIFS(s[j]) {
			j++
		}
		fields = append(fields, s[i:j])
		// consume the delimiter: whitespace, at most one other IFS char, whitespace
		for j < len(s) && isWhite(s[j]) {
			j++
		}
		if j < len(s) && isIFS(s[j]) && !isWhite(s[j]) {
			j++
			for j < len(s) && isWhite(s[j]) {
				j++
			}
		}
		i = j
	}
	return fields
}
