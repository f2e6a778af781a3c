package shell

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
)

// AssocCommand lists the keys or values of an array in bash's order:
//
//	AssocCommand TMP keys|values NAME
//
// Bash keeps associative arrays in a hash table of 1024 buckets, hashes
// keys with 32-bit FNV-1 and walks the buckets in order, so "${!A[@]}" is
// neither sorted nor in insertion order; metadata built by iterating an
// associative array (LICENSE, SRC_URI) depends on that order.
const AssocCommand = "__buckos_assoc"

// LastArgCommand stores the last argument of the previous simple command
// ($_) into a variable: LastArgCommand TMP. The caller tracks it.
const LastArgCommand = "__buckos_lastarg"

const assocBuckets = 1024

// bashHash is bash's hash_string (FNV-1, 32 bits).
func bashHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h *= 16777619
		h ^= uint32(s[i])
	}
	return h
}

// BashKeyOrder returns the keys of an associative array in the order bash
// lists them: by bucket, and within a bucket most recently inserted first.
// inserted gives the known insertion order (keys not in it count as
// inserted after all of it, ties broken by reverse key order).
func BashKeyOrder(m map[string]string, inserted []string) []string {
	rank := make(map[string]int, len(inserted))
	for i, k := range inserted {
		rank[k] = i + 1
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		ba, bb := bashHash(a)&(assocBuckets-1), bashHash(b)&(assocBuckets-1)
		if ba != bb {
			if ba < bb {
				return -1
			}
			return 1
		}
		ra, rb := rank[a], rank[b]
		if ra == 0 {
			ra = len(inserted) + 1
		}
		if rb == 0 {
			rb = len(inserted) + 1
		}
		if ra != rb {
			return rb - ra
		}
		return strings.Compare(b, a)
	})
	return keys
}

// Assoc runs AssocCommand from an exec handler.
func Assoc(ctx context.Context, args []string, inserted func(name string) []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) != 4 {
		return fmt.Errorf("%s: need TMP keys|values NAME", AssocCommand)
	}
	tmp, mode, name := args[1], args[2], args[3]
	_, v := hc.Env.Get(name).Resolve(hc.Env)
	var out []string
	switch v.Kind {
	case expand.Associative:
		keys := BashKeyOrder(v.Map, inserted(name))
		if mode == "keys" {
			out = keys
		} else {
			for _, k := range keys {
				out = append(out, v.Map[k])
			}
		}
	case expand.Indexed:
		if mode == "keys" {
			for i := range v.List {
				if v.Indexes != nil {
					out = append(out, strconv.Itoa(v.Indexes[i]))
				} else {
					out = append(out, strconv.Itoa(i))
				}
			}
		} else {
			out = v.List
		}
	default:
		if v.IsSet() {
			if mode == "keys" {
				out = []string{"0"}
			} else {
				out = []string{v.Str}
			}
		}
	}
	return assignArray(ctx, tmp, out)
}

// assignArray sets TMP=( values... ) in the caller's scope, keeping $?.
func assignArray(ctx context.Context, tmp string, values []string) error {
	hc := interp.HandlerCtx(ctx)
	var b strings.Builder
	b.WriteString(tmp + "=(")
	for _, v := range values {
		b.WriteString(" " + Quote(v))
	}
	b.WriteString(" )")
	if err := hc.Builtin(ctx, []string{"eval", b.String()}); err != nil {
		return err
	}
	if hc.LastExitStatus != 0 {
		return interp.ExitStatus(uint8(hc.LastExitStatus))
	}
	return nil
}

// LastArg runs LastArgCommand with the value the caller tracked.
func LastArg(ctx context.Context, args []string, last string) error {
	if len(args) != 2 {
		return fmt.Errorf("%s: need TMP", LastArgCommand)
	}
	hc := interp.HandlerCtx(ctx)
	if err := hc.Builtin(ctx, []string{"eval", args[1] + "=" + Quote(last)}); err != nil {
		return err
	}
	if hc.LastExitStatus != 0 {
		return interp.ExitStatus(uint8(hc.LastExitStatus))
	}
	return nil
}
