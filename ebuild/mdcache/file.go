package mdcache

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
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
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(buf.Bytes())
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp.Name(), 0o644)
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
