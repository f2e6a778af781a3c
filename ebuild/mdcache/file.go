package mdcache

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// ReadFile parses the entry at path; errors name the file.
func ReadFile(path string) (Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return Entry{}, err
	}
	defer f.Close()
	e, err := Parse(f)
	if err != nil {
		return Entry{}, fmt.Errorf("%s: %w", path, err)
	}
	return e, nil
}

// WriteFile writes e to path atomically: the entry goes to a temporary file
// in the same directory, which is then renamed over path, so a reader never
// sees a half-written entry. Missing parent directories are created.
func WriteFile(path string, e Entry) error {
	var buf bytes.Buffer
	if err := Write(&buf, e); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	dir := filepath.Dir(path)
	if _, made := madeDirs.Load(dir); !made {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		madeDirs.Store(dir, true)
	}
	// Created with its final mode (less the umask), unlike os.CreateTemp's
	// 0600 and a chmod: a metadata run writes thousands of entries.
	tmp, err := createTemp(dir, "."+filepath.Base(path)+".tmp")
	if os.IsNotExist(err) {
		// Removed since it was made: make it again.
		if err = os.MkdirAll(dir, 0o755); err == nil {
			tmp, err = createTemp(dir, "."+filepath.Base(path)+".tmp")
		}
	}
	if err != nil {
		return err
	}
	_, werr := tmp.Write(buf.Bytes())
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, werr)
	}
	return nil
}

// madeDirs are the directories WriteFile created or found, so that each
// is checked once per process.
var madeDirs sync.Map

// createTemp creates a new file named prefix plus a random suffix in dir,
// mode 0644 less the umask.
func createTemp(dir, prefix string) (*os.File, error) {
	for range 10000 {
		name := filepath.Join(dir, prefix+strconv.FormatUint(uint64(rand.Uint32()), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if os.IsExist(err) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("%s: cannot create a temporary file", dir)
}
