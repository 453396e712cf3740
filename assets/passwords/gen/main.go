// Command gen makes the list of common passwords (make passwords):
// it fetches pinned versions of open word lists through their ordinary
// clients (the Go module proxy with `go mod download`, checked against
// the checksum database; the npm registry with `npm pack`, checked against
// the integrity it publishes), checks each against the hash pinned below,
// folds every entry as app.FoldPassword does, keeps those of 4 characters
// or more, and writes common.txt.gz (sorted, each once, gzip) and
// SOURCES.md (sources, versions, addresses, licences, counts).
//
// To take newer versions, change a source's Version and hash, run make
// passwords, read the new counts in SOURCES.md and commit both files.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apetitspas/apetitspas/app"
)

// source is one pinned package and the lists taken from it.
type source struct {
	Kind    string // "go" (Go module proxy) or "npm" (npm registry)
	Name    string
	Version string
	// Hash is the Go checksum (h1:…) or the npm integrity (sha512-…).
	Hash    string
	URL     string // where a person reads it
	License string
	// Notes says where the data itself comes from, as the package says.
	Notes string
	Lists []list
}

// list is one word list of a source.
type list struct {
	Name string
	// File is the file holding it in the package; for a Go source, Key
	// is its key in the FrequencyLists map; for an npm JSON file, Key is
	// "" (the file is an array) or the name of an array in an object ("*":
	// every array of the object).
	File, Key string
	// raw and kept are counted when the list is read.
	raw, kept, added int
}

var sources = []*source{
	{
		Kind: "go", Name: "github.com/trustelem/zxcvbn", Version: "v1.0.1",
		Hash:    "h1:mp4JFtzdDYGj9WYSD3KQSkwwUumWNFzXaAjckaTYpsc=",
		URL:     "https://github.com/trustelem/zxcvbn (https://proxy.golang.org/github.com/trustelem/zxcvbn/@v/v1.0.1.zip)",
		License: "MIT (LICENSE.txt: Copyright (c) 2018 Vincent Vanackere and Trustelem)",
		Notes: "Go port of Dropbox's zxcvbn 4.4.2 (MIT); its lists (frequency/lists.go) are Dropbox's, in the words of " +
			"its README: « 30k common passwords, common names and surnames according to US census data, popular " +
			"English words from Wikipedia and US television and movies ».",
		Lists: []list{
			{Name: "passwords", File: "frequency/lists.go", Key: "passwords"},
			{Name: "english_wikipedia", File: "frequency/lists.go", Key: "english_wikipedia"},
			{Name: "us_tv_and_film", File: "frequency/lists.go", Key: "us_tv_and_film"},
			{Name: "surnames", File: "frequency/lists.go", Key: "surnames"},
			{Name: "female_names", File: "frequency/lists.go", Key: "female_names"},
			{Name: "male_names", File: "frequency/lists.go", Key: "male_names"},
		},
	},
	{
		Kind: "npm", Name: "@zxcvbn-ts/language-common", Version: "4.1.3",
		Hash:    "sha512-g2bg4skmlJG9aJqC/nWziZzgYpSe/f3rKeGobrkdFiOrfZVFqqzUgC6BUQWuX54Sua9j0Jxxt+1bf4f/Mal1Kg==",
		URL:     "https://www.npmjs.com/package/@zxcvbn-ts/language-common (https://registry.npmjs.org/@zxcvbn-ts/language-common/-/language-common-4.1.3.tgz)",
		License: "MIT (LICENSE.txt: Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.; Copyright (c) 2021 @zxcvbn-ts)",
		Notes:   "zxcvbn-ts's common passwords (passwords-common) and its diceware word list (diceware-common, 7,776 words).",
		Lists: []list{
			{Name: "passwords", File: "package/src/passwords.json"},
			{Name: "diceware", File: "package/src/diceware.json"},
		},
	},
	{
		Kind: "npm", Name: "@zxcvbn-ts/language-fr", Version: "4.1.2",
		Hash:    "sha512-xEex2n4J9UBhkASw6Vt2lUp9+eJgP0KquNiyh/D3IAP/HbnqRdd1oBkAiynSsRhJ9olmRnZVfYghaU5N6UKNjw==",
		URL:     "https://www.npmjs.com/package/@zxcvbn-ts/language-fr (https://registry.npmjs.org/@zxcvbn-ts/language-fr/-/language-fr-4.1.2.tgz)",
		License: "MIT (LICENSE.txt: Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.; Copyright (c) 2021 @zxcvbn-ts); commonWords: ODC-BY, see below",
		Notes: "French dictionaries of zxcvbn-ts. commonWords.json is derived from OpenSubtitles 2024 " +
			"(https://opus.nlpl.eu/, provided by Helsinki-NLP / OPUS) and licensed under the Open Data Commons " +
			"Attribution License (ODC-BY): « This package includes data derived from OpenSubtitles via OPUS in " +
			"commonWords.json (https://opus.nlpl.eu/). » (the package's NOTICE.md).",
		Lists: []list{
			{Name: "commonWords", File: "package/src/commonWords.json"},
			{Name: "wikipedia", File: "package/src/wikipedia.json"},
			{Name: "firstnames", File: "package/src/firstnames.json"},
			{Name: "lastnames", File: "package/src/lastnames.json"},
			{Name: "wordSequences (days, months, numbers…)", File: "package/src/wordSequences.json", Key: "*"},
		},
	},
}

// minEntry is the fewest characters of an entry: the rule refuses any
// shorter remainder by itself (app: minPasswordCore).
const minEntry = 4

func main() {
	out := flag.String("out", "assets/passwords", "folder of common.txt.gz and SOURCES.md")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "passwords:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	tmp, err := os.MkdirTemp("", "apetitspas-passwords-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	all := map[string]bool{}
	for _, s := range sources {
		files, err := fetch(s, tmp)
		if err != nil {
			return fmt.Errorf("%s@%s: %w", s.Name, s.Version, err)
		}
		for i := range s.Lists {
			l := &s.Lists[i]
			words, err := read(files, s.Kind, *l)
			if err != nil {
				return fmt.Errorf("%s@%s %s: %w", s.Name, s.Version, l.Name, err)
			}
			kept := map[string]bool{}
			for _, w := range words {
				if f := app.FoldPassword(w); utf8.RuneCountInString(f) >= minEntry {
					kept[f] = true
				}
			}
			l.raw, l.kept = len(words), len(kept)
			for f := range kept {
				if !all[f] {
					all[f] = true
					l.added++
				}
			}
		}
	}
	entries := make([]string, 0, len(all))
	for f := range all {
		entries = append(entries, f)
	}
	slices.Sort(entries)
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression) // no name, no time: the same input gives the same bytes
	if err != nil {
		return err
	}
	plain := strings.Join(entries, "\n") + "\n"
	if _, err := io.WriteString(zw, plain); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "common.txt.gz"), gz.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "SOURCES.md"), sourcesMD(len(entries), len(plain), gz.Len()), 0o644); err != nil {
		return err
	}
	fmt.Printf("passwords: %d entries, %d bytes, %d gzipped\n", len(entries), len(plain), gz.Len())
	return nil
}

// fetch downloads s with its ordinary client, checks its hash, and
// returns its files by path.
func fetch(s *source, tmp string) (map[string][]byte, error) {
	switch s.Kind {
	case "go":
		cmd := exec.Command("go", "mod", "download", "-json", s.Name+"@"+s.Version)
		cmd.Dir = tmp // outside any module: nothing of ours is touched
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
		cmd.Stderr = os.Stderr
		b, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go mod download: %w", err)
		}
		var m struct{ Dir, Sum string }
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		if m.Sum != s.Hash {
			return nil, fmt.Errorf("checksum %s, pinned %s", m.Sum, s.Hash)
		}
		files := map[string][]byte{}
		for _, l := range s.Lists {
			if files[l.File] == nil {
				if files[l.File], err = os.ReadFile(filepath.Join(m.Dir, l.File)); err != nil {
					return nil, err
				}
			}
		}
		return files, nil
	case "npm":
		dir := filepath.Join(tmp, strings.NewReplacer("@", "", "/", "-").Replace(s.Name))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		cmd := exec.Command("npm", "pack", "--json", "--pack-destination", dir, s.Name+"@"+s.Version)
		cmd.Dir = dir
		cmd.Stderr = os.Stderr
		b, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("npm pack: %w", err)
		}
		var packed []struct{ Filename, Integrity string }
		if err := json.Unmarshal(b, &packed); err != nil || len(packed) != 1 {
			return nil, fmt.Errorf("npm pack said %q", b)
		}
		if packed[0].Integrity != s.Hash {
			return nil, fmt.Errorf("integrity %s, pinned %s", packed[0].Integrity, s.Hash)
		}
		return untar(filepath.Join(dir, packed[0].Filename))
	}
	return nil, fmt.Errorf("unknown kind %q", s.Kind)
}

func untar(path string) (map[string][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeReg && strings.HasSuffix(h.Name, ".json") {
			if files[h.Name], err = io.ReadAll(io.LimitReader(tr, 64<<20)); err != nil {
				return nil, err
			}
		}
	}
}

// read returns the words of l.
func read(files map[string][]byte, kind string, l list) ([]string, error) {
	b, ok := files[l.File]
	if !ok {
		return nil, fmt.Errorf("no file %s", l.File)
	}
	var words []string
	switch {
	case kind == "go":
		return goList(b, l.Key)
	case l.Key == "":
		err := json.Unmarshal(b, &words)
		return words, err
	default:
		var m map[string][]string
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		for k, v := range m {
			if l.Key == "*" || l.Key == k {
				words = append(words, v...)
			}
		}
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("%s: no words", l.File)
	}
	return words, nil
}

// goList reads the string literals of key in the FrequencyLists map of a
// Go source file, parsed (never run).
func goList(src []byte, key string) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "lists.go", src, 0)
	if err != nil {
		return nil, err
	}
	var words []string
	var bad error
	ast.Inspect(f, func(n ast.Node) bool {
		kv, ok := n.(*ast.KeyValueExpr)
		if !ok {
			return true
		}
		k, ok := kv.Key.(*ast.BasicLit)
		if !ok || k.Kind != token.STRING || k.Value != strconv.Quote(key) {
			return true
		}
		cl, ok := kv.Value.(*ast.CompositeLit)
		if !ok {
			return true
		}
		for _, e := range cl.Elts {
			lit, ok := e.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				bad = fmt.Errorf("%s: not a string literal", key)
				return false
			}
			w, err := strconv.Unquote(lit.Value)
			if err != nil {
				bad = err
				return false
			}
			words = append(words, w)
		}
		return false
	})
	if bad != nil {
		return nil, bad
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("no list %q", key)
	}
	return words, nil
}

func sourcesMD(entries, plain, gzipped int) []byte {
	var b strings.Builder
	b.WriteString("# Mots de passe courants / common passwords\n\n")
	b.WriteString("Généré par `make passwords` (assets/passwords/gen) : ne pas modifier à la main.\n")
	b.WriteString("*Generated by `make passwords` (assets/passwords/gen): do not edit by hand.*\n\n")
	fmt.Fprintf(&b, "`common.txt.gz`: %d entries (folded as app.FoldPassword does: lower case, no accents, "+
		"letters and digits only; %d characters or more; sorted; each once), %d bytes, %d bytes gzipped.\n\n",
		entries, minEntry, plain, gzipped)
	for _, s := range sources {
		fmt.Fprintf(&b, "## %s %s\n\n", s.Name, s.Version)
		fmt.Fprintf(&b, "- Source: %s\n", s.URL)
		via := "npm registry (`npm pack`), integrity"
		if s.Kind == "go" {
			via = "Go module proxy (`go mod download`, checksum database), checksum"
		}
		fmt.Fprintf(&b, "- Fetched from the %s `%s`\n", via, s.Hash)
		fmt.Fprintf(&b, "- Licence: %s\n", s.License)
		fmt.Fprintf(&b, "- %s\n\n", s.Notes)
		b.WriteString("| List | File | Entries | Kept (folded, ≥ 4) | New to the list |\n|---|---|---:|---:|---:|\n")
		for _, l := range s.Lists {
			fmt.Fprintf(&b, "| %s | `%s` | %d | %d | %d |\n", l.Name, l.File, l.raw, l.kept, l.added)
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}
