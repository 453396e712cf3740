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

// forbidden are the names of package app no screen may use: the service
// itself and its sessions (the screens are a client of app.API, holding
// an app.Handle, whether the service runs in-process or behind a socket),
// what builds them, and the operations that trust their caller (first
// run, break-glass, the tool's listings: cmd/ only; screens get the first
// run as a plain function).
var forbidden = map[string]string{
	"Service":    "the screens call app.API, never the service itself",
	"Session":    "a sign-in is an app.Handle",
	"Trusted":    "screens must not build or hold app.Trusted",
	"NewTrusted": "screens must not build or hold app.Trusted",
	"New":        "cmd/ builds the service",
	"Params":     "cmd/ builds the service",
	"Local":      "cmd/ builds the in-process API; screens see app.API only",
	"NewLocal":   "cmd/ builds the in-process API; screens see app.API only",
}

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
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == alias {
				if why, bad := forbidden[sel.Sel.Name]; bad {
					t.Errorf("%s: %s.%s: %s", fset.Position(sel.Pos()), alias, sel.Sel.Name, why)
				}
			}
			// The in-process API hands its service to cmd/ (Local.Service):
			// no screen asks for it, whatever it is called on.
			if sel.Sel.Name == "Service" {
				t.Errorf("%s: .Service: the screens call app.API, never the service itself", fset.Position(sel.Pos()))
			}
			return true
		})
		for _, name := range []string{"NewTrusted", "NewLocal", "*apetitspas.Session", "*app.Session", "app.Service", "apetitspas.Service"} {
			if strings.Contains(string(src), name) {
				t.Errorf("%s mentions %s", f, name)
			}
		}
	}
	if scanned < 15 {
		t.Fatalf("scanned only %d files: the scan is broken", scanned)
	}
}
