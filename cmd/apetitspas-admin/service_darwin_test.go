package main

import (
	"strings"
	"testing"

	"github.com/apetitspas/apetitspas/data"
)

// The daemon starts the program where install puts it, on the folder and
// socket it prepares and names in the configuration (runs on a Mac only:
// not run yet).
func TestThePlistIsTheLayouts(t *testing.T) {
	l := defaultServiceLayout()
	p := serviceUnitText(l)
	for _, want := range []string{"<string>" + l.Binary + "</string>", "<string>" + l.DataDir + "</string>",
		"<string>unix:" + l.Socket + "</string>", "<string>" + l.User + "</string>"} {
		if !strings.Contains(p, want) {
			t.Errorf("the plist lacks %s", want)
		}
	}
	if _, err := data.ParseServiceAddress("unix:" + l.Socket); err != nil {
		t.Error(err)
	}
	t.Setenv("APETITSPAS_CONFIG", "")
	if data.ConfigPath() != l.Config {
		t.Errorf("the clients read %s, install writes %s", data.ConfigPath(), l.Config)
	}
	if !disabledIn("\t\"ca.apetitspas.service\" => disabled\n") || disabledIn("\t\"ca.apetitspas.service\" => enabled\n") {
		t.Error("launchctl print-disabled is misread")
	}
}
