package screens

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/apetitspas/apetitspas/assets"
)

// literalCalls finds calls pkg.fn("key", "fallback"…) with literal strings
// in the non-test Go files of dirs.
func literalCalls(t *testing.T, pkg, fn string, dirs ...string) map[string][]string {
	t.Helper()
	found := map[string][]string{}
	fset := token.NewFileSet()
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if matched, _ := filepath.Match("*_test.go", filepath.Base(f)); matched {
				continue
			}
			file, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != fn {
					return true
				}
				if id, ok := sel.X.(*ast.Ident); !ok || id.Name != pkg {
					return true
				}
				var args []string
				for _, a := range call.Args {
					if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						args = append(args, s)
					}
				}
				if len(args) > 0 {
					found[args[0]] = args[1:]
				}
				return true
			})
		}
	}
	return found
}

var placeholder = regexp.MustCompile(`{{\s*\.\w+\s*}}`)

func placeholders(s string) []string {
	p := placeholder.FindAllString(s, -1)
	sort.Strings(p)
	return p
}

func TestEveryStringOnScreenHasItsFrenchAndEnglishText(t *testing.T) {
	fr, en := assets.Table("fr"), assets.Table("en")
	if len(fr) == 0 || len(en) == 0 {
		t.Fatal("translation files are empty or unreadable")
	}
	calls := literalCalls(t, "lang", "X", ".", filepath.Join("..", "cmd", "apetitspas"))
	if len(calls) < 30 {
		t.Fatalf("found only %d lang.X calls: the scan is broken", len(calls))
	}
	for key, rest := range calls {
		if len(rest) == 0 {
			t.Errorf("lang.X(%q) has no literal French fallback", key)
			continue
		}
		if fr[key] != rest[0] {
			t.Errorf("%s: fr.json says %q, the code's French fallback says %q", key, fr[key], rest[0])
		}
	}
	// The CLI and the error sentences are looked up by key (assets.Message,
	// or the tool's c.text and c.say).
	admin := filepath.Join("..", "cmd", "apetitspas-admin")
	keys := literalCalls(t, "assets", "Message", admin)
	for _, fn := range []string{"text", "say"} {
		for key, rest := range literalCalls(t, "c", fn, admin) {
			keys[key] = rest
		}
	}
	if _, ok := keys["cli.missing_subcommand"]; !ok {
		t.Fatal("the scan of the tool's c.text calls is broken")
	}
	for key := range keys {
		if _, ok := fr[key]; !ok {
			t.Errorf("apetitspas-admin uses %q, missing from fr.json", key)
		}
	}
	for key, text := range fr {
		e, ok := en[key]
		if !ok || e == "" {
			t.Errorf("en.json lacks %q (%q)", key, text)
			continue
		}
		if a, b := placeholders(text), placeholders(e); len(a) != len(b) || (len(a) > 0 && a[0] != b[0]) {
			t.Errorf("%s: placeholders differ: fr %v, en %v", key, a, b)
		}
	}
	for key := range en {
		if _, ok := fr[key]; !ok {
			t.Errorf("en.json has %q, which fr.json lacks", key)
		}
	}
}

var reasonConst = regexp.MustCompile(`Reason\w+\s*=\s*"(\w+)"`)

func TestEveryErrorReasonHasASentence(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join("..", "app", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(node ast.Node) bool {
			vs, ok := node.(*ast.ValueSpec)
			if !ok || len(vs.Names) != 1 || len(vs.Values) != 1 {
				return true
			}
			lit, ok := vs.Values[0].(*ast.BasicLit)
			if !ok || !reasonConst.MatchString(vs.Names[0].Name+` = `+lit.Value) {
				return true
			}
			reason, _ := strconv.Unquote(lit.Value)
			n++
			for _, l := range assets.Languages {
				if _, ok := assets.Table(l)["error."+reason]; !ok {
					t.Errorf("%s.json has no sentence for error.%s (%s)", l, reason, filepath.Base(name))
				}
			}
			return true
		})
	}
	if n < 20 {
		t.Fatalf("found only %d reasons: the scan is broken", n)
	}
}
