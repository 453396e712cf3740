package macos

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// The plist is well-formed XML (plutil -lint cannot run here) and says
// what the README of this folder says.
func TestThePlistIsWellFormed(t *testing.T) {
	d := xml.NewDecoder(strings.NewReader(Plist))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the plist is not well-formed XML: %v", err)
		}
	}
	for _, want := range []string{
		"<key>Label</key>\n\t<string>ca.apetitspas.service</string>",
		"<key>UserName</key>\n\t<string>_apetitspas</string>",
		"<key>GroupName</key>\n\t<string>_apetitspas</string>",
		"<key>Umask</key>\n\t<integer>63</integer>",
		"<string>/usr/local/lib/apetitspas/apetitspas-service</string>\n\t\t<string>run</string>",
		"<string>--data</string>\n\t\t<string>/Library/Application Support/ApetitsPas/service</string>",
		"<string>unix:/Library/Application Support/ApetitsPas/run/service.sock</string>",
	} {
		if !strings.Contains(Plist, want) {
			t.Errorf("the plist lacks %q", want)
		}
	}
}
