// Package installer puts a hook set into a conda env prefix and takes it out
// again: it decides what changes, refuses to clobber files goshim did not
// write, serializes concurrent installs with a lock, and writes so that a
// crash or full disk leaves either the old hooks or the new ones, whole.
package installer

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goshim/goshim/internal/atomicfs"
	"github.com/goshim/goshim/internal/manifest"
)

// File is one hook to install, at a slash-separated path relative to the prefix.
type File struct {
	Path string
	Data []byte
}

// Kind says what happens to one file.
type Kind int

const (
	Same   Kind = iota // already there, byte for byte
	Create             // new file
	Update             // goshim's own file, new content
	Remove             // goshim's file the new hook set no longer has
)

func (k Kind) String() string { return [...]string{"same", "create", "update", "remove"}[k] }

// Change is what happens to one file.
type Change struct {
	Path     string
	Kind     Kind
	Old, New []byte
}

// ConflictError lists files in the way that goshim did not write, or that
// changed since goshim wrote them.
type ConflictError struct {
	Prefix string
	Files  []string
	Why    string
	Fix    string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s: %s: %s (fix: %s)", e.Prefix, e.Why, strings.Join(e.Files, ", "), e.Fix)
}

// Plan compares the hook set with what is in prefix and the manifest of
// its previous install. It reads only.
func Plan(prefix string, old *manifest.Manifest, files []File, force bool) ([]Change, error) {
	var changes []Change
	var conflicts []string
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		have, err := os.ReadFile(filepath.Join(prefix, filepath.FromSlash(f.Path)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			changes = append(changes, Change{Path: f.Path, Kind: Create, New: f.Data})
		case err != nil:
			return nil, err
		case bytes.Equal(have, f.Data):
			changes = append(changes, Change{Path: f.Path, Kind: Same, Old: have, New: f.Data})
		default:
			if !owned(old, f.Path, have) && !force {
				conflicts = append(conflicts, f.Path)
			}
			changes = append(changes, Change{Path: f.Path, Kind: Update, Old: have, New: f.Data})
		}
	}
	if old != nil {
		for _, f := range old.Files {
			if want[f.Path] {
				continue
			}
			have, err := os.ReadFile(filepath.Join(prefix, filepath.FromSlash(f.Path)))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if manifest.Sum(have) != f.SHA256 && !force {
				conflicts = append(conflicts, f.Path)
			}
			changes = append(changes, Change{Path: f.Path, Kind: Remove, Old: have})
		}
	}
	if len(conflicts) > 0 {
		sort.Strings(conflicts)
		return nil, &ConflictError{Prefix: prefix, Files: conflicts, Why: "files goshim did not write, or that changed since it wrote them",
			Fix: "move them away, or pass --force to overwrite them"}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	return changes, nil
}

// owned reports whether the manifest says goshim wrote exactly this content.
func owned(m *manifest.Manifest, rel string, have []byte) bool {
	if m == nil {
		return false
	}
	for _, f := range m.Files {
		if f.Path == rel {
			return f.SHA256 == manifest.Sum(have)
		}
	}
	return false
}

// UpToDate reports whether nothing would change.
func UpToDate(changes []Change) bool {
	for _, c := range changes {
		if c.Kind != Same {
			return false
		}
	}
	return true
}

// Apply carries out the changes and writes the manifest last. New content is
// staged in temporary files first; only when every one is written and synced
// are they renamed into place, so a failure while writing changes nothing.
func Apply(prefix string, changes []Change, m *manifest.Manifest, old *manifest.Manifest) error {
	created, err := missingDirs(prefix, changes, m)
	if err != nil {
		return err
	}
	m.CreatedDirs = created
	if old != nil {
		// folders an earlier install created stay goshim's to remove
		m.CreatedDirs = mergeDirs(old.CreatedDirs, created)
	}
	m.Files = nil
	var staged []atomicfs.Staged
	cleanup := func() {
		for _, s := range staged {
			s.Discard()
		}
	}
	for _, c := range changes {
		if c.Kind == Remove {
			continue
		}
		m.Files = append(m.Files, manifest.File{Path: c.Path, SHA256: manifest.Sum(c.New)})
		if c.Kind == Same {
			continue
		}
		s, err := atomicfs.Stage(filepath.Join(prefix, filepath.FromSlash(c.Path)), c.New, 0o644)
		if err != nil {
			cleanup()
			return err
		}
		staged = append(staged, s)
	}
	data, err := m.Encode()
	if err != nil {
		cleanup()
		return err
	}
	for _, s := range staged {
		if err := s.Commit(); err != nil {
			cleanup()
			return err
		}
	}
	for _, c := range changes {
		if c.Kind == Remove {
			if err := os.Remove(filepath.Join(prefix, filepath.FromSlash(c.Path))); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return atomicfs.WriteFile(filepath.Join(prefix, filepath.FromSlash(manifest.PathFor(m.ID))), data, 0o644)
}

// missingDirs lists, shallowest first, the folders the install will create.
func missingDirs(prefix string, changes []Change, m *manifest.Manifest) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	paths := []string{manifest.PathFor(m.ID)}
	for _, c := range changes {
		if c.Kind != Remove {
			paths = append(paths, c.Path)
		}
	}
	for _, p := range paths {
		var chain []string
		for d := path.Dir(p); d != "." && d != "/"; d = path.Dir(d) {
			chain = append([]string{d}, chain...)
		}
		for _, d := range chain {
			if seen[d] {
				continue
			}
			seen[d] = true
			_, err := os.Stat(filepath.Join(prefix, filepath.FromSlash(d)))
			if errors.Is(err, fs.ErrNotExist) {
				out = append(out, d)
			} else if err != nil {
				return nil, err
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return strings.Count(out[i], "/") < strings.Count(out[j], "/") || (strings.Count(out[i], "/") == strings.Count(out[j], "/") && out[i] < out[j])
	})
	return out, nil
}

func mergeDirs(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range append(append([]string{}, a...), b...) {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// Uninstall removes exactly the files of hook set m, its manifest, and the
// folders its installs created if they are empty. Modified files are a
// conflict unless force.
func Uninstall(prefix string, m *manifest.Manifest, force bool) ([]string, error) {
	if mod := m.Modified(prefix); len(mod) > 0 && !force {
		var changed []string
		for _, p := range mod {
			if _, err := os.Stat(filepath.Join(prefix, filepath.FromSlash(p))); err == nil {
				changed = append(changed, p)
			}
		}
		if len(changed) > 0 {
			return nil, &ConflictError{Prefix: prefix, Files: changed, Why: "hook files changed since goshim installed them",
				Fix: "keep your changes elsewhere, or pass --force to remove them anyway"}
		}
	}
	var removed []string
	for _, f := range m.Files {
		err := os.Remove(filepath.Join(prefix, filepath.FromSlash(f.Path)))
		if err == nil {
			removed = append(removed, f.Path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
	}
	if err := os.Remove(filepath.Join(prefix, filepath.FromSlash(manifest.PathFor(m.ID)))); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return removed, err
	}
	removed = append(removed, manifest.PathFor(m.ID))
	// deepest first; a folder that still holds anything (another hook set, a package's script) stays
	dirs := append([]string{}, m.CreatedDirs...)
	sort.Slice(dirs, func(i, j int) bool { return strings.Count(dirs[i], "/") > strings.Count(dirs[j], "/") })
	for _, d := range dirs {
		os.Remove(filepath.Join(prefix, filepath.FromSlash(d)))
	}
	return removed, nil
}
