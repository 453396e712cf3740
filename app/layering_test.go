package app_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The heart stays pure: no Fyne, no SQL driver, no database/sql.
func TestAppImportsNeitherFyneNorSQL(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") || dep == "database/sql" || strings.Contains(dep, "sqlite") {
			t.Errorf("app depends on %s", dep)
		}
	}
}

// Only cmd/ may import fyne.io/fyne/v2/app, so that screens test headless.
func TestOnlyCmdImportsTheFyneAppPackage(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "../...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || strings.Contains(fields[0], "/cmd/") {
			continue
		}
		for _, imp := range fields[1:] {
			if imp == "fyne.io/fyne/v2/app" {
				t.Errorf("%s imports fyne.io/fyne/v2/app", fields[0])
			}
		}
	}
}
