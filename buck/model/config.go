// Package model is a model of Buck2's Starlark API on go.starlark.net.
//
// The interpreter knows nothing of Buck2: this package supplies the
// predeclared builtins (rule, attrs, providers, native rules, select,
// read_config, ...) and the Load function that resolves cell//path:file.bzl
// through .buckconfig. docs/BUCK2_MODEL.md says what is modelled.
package model

import (
	"bufio"
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// Config is one parsed .buckconfig: sections of key = value pairs.
type Config struct {
	sections map[string]map[string]string
}

// ParseConfig reads the INI dialect of .buckconfig: [section] headers,
// key = value lines, '#' and ';' comment lines, and values continued on the
// next line by a trailing backslash (joined with a space). name is used in
// error messages.
func ParseConfig(name string, data []byte) (*Config, error) {
	c := &Config{sections: map[string]map[string]string{}}
	var section, lastKey string
	continued := false // the previous value line ended in a backslash
	sc := bufio.NewScanner(bytes.NewReader(data))
	for lineNo := 1; sc.Scan(); lineNo++ {
		raw := sc.Text()
		line := strings.TrimSpace(raw)
		wasContinued := continued
		continued = false
		switch {
		case wasContinued && lastKey != "":
			continued = strings.HasSuffix(line, "\\")
			c.sections[section][lastKey] = strings.TrimSpace(c.sections[section][lastKey] + " " + strings.TrimSuffix(line, "\\"))
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
			continue
		case strings.HasPrefix(line, "["):
			if !strings.HasSuffix(line, "]") {
				return nil, fmt.Errorf("%s:%d: unterminated section header %q", name, lineNo, line)
			}
			section = strings.TrimSpace(line[1 : len(line)-1])
			if c.sections[section] == nil {
				c.sections[section] = map[string]string{}
			}
			lastKey = ""
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				return nil, fmt.Errorf("%s:%d: expected key = value, got %q", name, lineNo, line)
			}
			if section == "" {
				return nil, fmt.Errorf("%s:%d: key %q outside of a [section]", name, lineNo, strings.TrimSpace(k))
			}
			lastKey = strings.TrimSpace(k)
			continued = strings.HasSuffix(strings.TrimSpace(v), "\\")
			c.sections[section][lastKey] = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "\\"))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// Get returns the value of section.key.
func (c *Config) Get(section, key string) (string, bool) {
	if c == nil {
		return "", false
	}
	v, ok := c.sections[section][key]
	return v, ok
}

// Keys returns the keys of a section, sorted.
func (c *Config) Keys(section string) []string {
	if c == nil {
		return nil
	}
	keys := make([]string, 0, len(c.sections[section]))
	for k := range c.sections[section] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// overlay returns a config holding c's values with o's on top.
func (c *Config) overlay(o *Config) *Config {
	out := &Config{sections: map[string]map[string]string{}}
	for _, src := range []*Config{c, o} {
		if src == nil {
			continue
		}
		for s, kv := range src.sections {
			if out.sections[s] == nil {
				out.sections[s] = map[string]string{}
			}
			for k, v := range kv {
				out.sections[s][k] = v
			}
		}
	}
	return out
}
