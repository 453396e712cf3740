package screens

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The operations that trust their caller (first run, break-glass, the
// tool's listings) are for cmd/ only: screens get the first run as a plain
// function and call Service methods that check a session.
func TestNoScreenBuildsOrHoldsTheTrustedOperations(t *testing.T) {
	const appPath = "github.com/apetitspas/apetitspas/app"
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	scanned := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		scanned++
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, err := parser.ParseFile(fset, f, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		alias := ""
		for _, imp := range file.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if p != appPath {
				continue
			}
			alias = "app"
			if imp.Name != nil {
				alias = imp.Name.Name
			}
			if alias == "." || alias == "_" {
				t.Errorf("%s imports package app as %q", f, alias)
			}
		}
		ast.Inspect(file, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == alias && (sel.Sel.Name == "Trusted" || sel.Sel.Name == "NewTrusted") {
				t.Errorf("%s: %s.%s: screens must not build or hold app.Trusted", fset.Position(sel.Pos()), alias, sel.Sel.Name)
			}
			return true
		})
		if strings.Contains(string(src), "NewTrusted") {
			t.Errorf("%s mentions NewTrusted", f)
		}
	}
	if scanned < 15 {
		t.Fatalf("scanned only %d files: the scan is broken", scanned)
	}
}
