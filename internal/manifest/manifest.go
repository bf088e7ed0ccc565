// Package manifest owns the record goshim keeps in an env prefix of what it
// installed there: which files, their checksums, the inputs they came from
// and the folders goshim created, so uninstall removes exactly that and
// doctor can tell whether the hooks are intact and up to date.
package manifest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
)

// Dir is where manifests live, relative to the prefix.
const Dir = "etc/goshim"

// Format is the manifest schema version.
const Format = 1

// File is one installed hook.
type File struct {
	Path   string `json:"path"`   // slash-separated, relative to the prefix
	SHA256 string `json:"sha256"` // of the content goshim wrote
}

// Input is one file the hooks were generated from.
type Input struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// Manifest records one installed hook set.
type Manifest struct {
	Format      int      `json:"format"`
	Goshim      string   `json:"goshim"`       // version that installed it
	ID          string   `json:"id"`           // hook set name
	Digest      string   `json:"digest"`       // sha256 over the inputs
	Inputs      []Input  `json:"inputs"`       // empty: the embedded default policy
	Source      string   `json:"source"`       // "generated" or "hooks:<dir>" for --hooks
	Files       []File   `json:"files"`        // sorted by path
	CreatedDirs []string `json:"created_dirs"` // folders goshim made, deepest last
}

// PathFor returns the manifest's path relative to the prefix.
func PathFor(id string) string { return path.Join(Dir, id+".json") }

// Sum is the checksum manifests use.
func Sum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// Read loads the manifest of hook set id from prefix; (nil, nil) when none.
func Read(prefix, id string) (*Manifest, error) {
	return readFile(filepath.Join(prefix, filepath.FromSlash(PathFor(id))))
}

// All loads every manifest in prefix, sorted by id.
func All(prefix string) ([]*Manifest, error) {
	matches, err := filepath.Glob(filepath.Join(prefix, filepath.FromSlash(Dir), "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(matches)
	var out []*Manifest
	for _, m := range matches {
		man, err := readFile(m)
		if err != nil {
			return nil, err
		}
		if man != nil {
			out = append(out, man)
		}
	}
	return out, nil
}

func readFile(p string) (*Manifest, error) {
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: not a goshim manifest: %v (fix: remove it, then reinstall)", p, err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("%s: manifest format %d, this goshim reads %d (fix: use the goshim that installed it, or reinstall with --force)", p, m.Format, Format)
	}
	return &m, nil
}

// Encode renders m as stable, indented JSON.
func (m *Manifest) Encode() ([]byte, error) {
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Modified lists the manifest's files that are missing or differ from what
// goshim wrote.
func (m *Manifest) Modified(prefix string) []string {
	var out []string
	for _, f := range m.Files {
		data, err := os.ReadFile(filepath.Join(prefix, filepath.FromSlash(f.Path)))
		if err != nil || Sum(data) != f.SHA256 {
			out = append(out, f.Path)
		}
	}
	return out
}
