package sync

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	gosync "sync"
)

// writer applies changes to the workspace, or, in diff mode, only records
// them. All paths it takes are relative to the workspace, slash-separated.
type writer struct {
	root string
	diff io.Writer // non-nil: print a unified diff, write nothing

	mu      gosync.Mutex
	written int
	removed int
	changes map[string]change // diff mode

	// statPrev and statNext map a workspace path to "SHA256 SIZE MTIME" of
	// the file sync last wrote there, so an unchanged output is recognised
	// without reading it (like git's index).
	statPrev, statNext map[string]string
}

// noteStat records the stat line of a file sync wrote or verified.
func (w *writer) noteStat(path, digest string) {
	if w.diff != nil {
		return
	}
	st, err := os.Stat(filepath.Join(w.root, filepath.FromSlash(path)))
	if err != nil {
		return
	}
	w.mu.Lock()
	w.statNext[path] = fmt.Sprintf("%s %d %d", digest, st.Size(), st.ModTime().UnixNano())
	w.mu.Unlock()
}

// keepStats carries the stat lines of files this run does not look at.
func (w *writer) keepStats(files map[string]string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for p := range files {
		if line, ok := w.statPrev[p]; ok {
			w.statNext[p] = line
		}
	}
}

// holds tells whether path still has content digest, using the stat line
// when size and mtime are unchanged.
func (w *writer) holds(path, digest string) bool {
	full := filepath.Join(w.root, filepath.FromSlash(path))
	st, err := os.Stat(full)
	if err != nil {
		return false
	}
	line := fmt.Sprintf("%s %d %d", digest, st.Size(), st.ModTime().UnixNano())
	w.mu.Lock()
	prev := w.statPrev[path]
	w.mu.Unlock()
	if prev == line {
		w.mu.Lock()
		w.statNext[path] = line
		w.mu.Unlock()
		return true
	}
	data, err := os.ReadFile(full)
	if err != nil || sum(data) != digest {
		return false
	}
	w.noteStat(path, digest)
	return true
}

type change struct {
	old, new []byte
	gone     bool
}

func sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// put makes path hold data, writing only when the content differs. It
// returns whether anything changed.
func (w *writer) put(path string, data []byte) (bool, error) {
	full := filepath.Join(w.root, filepath.FromSlash(path))
	old, err := os.ReadFile(full)
	if err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	w.mu.Lock()
	w.written++
	w.mu.Unlock()
	if w.diff != nil {
		w.record(path, change{old: old, new: data})
		return true, nil
	}
	return true, writeAtomic(full, data)
}

// remove deletes path if it exists.
func (w *writer) remove(path string) error {
	full := filepath.Join(w.root, filepath.FromSlash(path))
	old, err := os.ReadFile(full)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	w.mu.Lock()
	w.removed++
	w.mu.Unlock()
	if w.diff != nil {
		w.record(path, change{old: old, gone: true})
		return nil
	}
	if err := os.Remove(full); err != nil {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return nil
}

// removeDirs deletes directories that are empty, in the order given
// (deepest first); a directory someone put files into stays.
func (w *writer) removeDirs(dirs []string) {
	if w.diff != nil {
		return
	}
	for _, d := range dirs {
		_ = os.Remove(filepath.Join(w.root, filepath.FromSlash(d))) // fails when not empty: intended
	}
}

func (w *writer) record(path string, c change) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.changes == nil {
		w.changes = map[string]change{}
	}
	w.changes[path] = c
}

// flushDiff prints the recorded changes, sorted by path.
func (w *writer) flushDiff() error {
	if w.diff == nil {
		return nil
	}
	paths := make([]string, 0, len(w.changes))
	for p := range w.changes {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		c := w.changes[p]
		from, to := "a/"+p, "b/"+p
		if c.old == nil {
			from = "/dev/null"
		}
		if c.gone {
			to = "/dev/null"
		}
		if _, err := io.WriteString(w.diff, unifiedDiff(from, to, string(c.old), string(c.new))); err != nil {
			return err
		}
	}
	return nil
}

// writeAtomic writes data to a temporary file in the target directory and
// renames it over path, so a reader (or a killed sync) never sees half a
// file. The file gets mode 0644 (less the umask).
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, name, err := createTemp(dir, filepath.Base(path))
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
		f, name, err = createTemp(dir, filepath.Base(path))
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(name, path)
	}
	if werr != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, werr)
	}
	return nil
}

// createTemp creates dir/.tmp-BASE-RANDOM exclusively.
func createTemp(dir, base string) (*os.File, string, error) {
	for {
		var r [6]byte
		if _, err := rand.Read(r[:]); err != nil {
			return nil, "", err
		}
		name := filepath.Join(dir, ".tmp-"+base+"-"+hex.EncodeToString(r[:]))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, name, err
	}
}
