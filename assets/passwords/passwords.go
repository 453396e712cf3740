// Package passwords holds the list of common passwords and words that
// nobody may choose as a password (package app's CheckPassword reads it).
//
// The list is generated, never typed: `make passwords` runs ./gen, which
// fetches pinned versions of open word lists, folds every entry the way
// app.FoldPassword does (lower case, no accents, letters and digits only),
// keeps those of 4 characters or more, sorts them and writes
// common.txt.gz and SOURCES.md (each source, its version, address,
// licence and counts). Both files are committed: building and testing
// never need the network.
//
// The package imports nothing of the application, so that package app
// may import it.
package passwords

import (
	"bytes"
	"compress/gzip"
	_ "embed" // common.txt.gz
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"sync"
)

// gz is the list: one entry a line, folded, sorted, each once, gzipped.
//
//go:embed common.txt.gz
var gz []byte

// Compressed is the size of the embedded list, in bytes.
func Compressed() int { return len(gz) }

var (
	once    sync.Once
	entries []string
	loadErr error
)

// List returns the entries, sorted (bytewise) and each once. They are
// read from the embedded file the first time, then kept: the slice is
// shared and must not be changed.
func List() ([]string, error) {
	once.Do(func() { entries, loadErr = decode(gz) })
	return entries, loadErr
}

// decode gunzips b and cuts it into lines, all pointing into one string
// (sized from the gzip trailer, so that it is allocated once).
func decode(b []byte) ([]string, error) {
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("common passwords: %w", err)
	}
	var text strings.Builder
	if n := len(b); n >= 4 {
		size := int(binary.LittleEndian.Uint32(b[n-4:])) // ISIZE: the plain size
		text.Grow(min(size, 64<<20))
	}
	if _, err := io.Copy(&text, r); err != nil {
		return nil, fmt.Errorf("common passwords: %w", err)
	}
	all := strings.TrimSuffix(text.String(), "\n")
	if all == "" {
		return nil, fmt.Errorf("common passwords: the list is empty")
	}
	out := make([]string, 0, strings.Count(all, "\n")+1)
	for line := range strings.SplitSeq(all, "\n") {
		out = append(out, line)
	}
	return out, nil
}
