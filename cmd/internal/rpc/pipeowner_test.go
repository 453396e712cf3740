package rpc

import "testing"

func TestServiceSID(t *testing.T) {
	// Windows' own, as `sc showsid` prints them.
	for name, want := range map[string]string{
		"TrustedInstaller": "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464",
		"trustedinstaller": "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464",
	} {
		if got := ServiceSID(name); got != want {
			t.Errorf("ServiceSID(%q) = %s, want %s", name, got, want)
		}
	}
}

func TestPipeOwnerAllowed(t *testing.T) {
	const me, other = "S-1-5-21-1-2-3-1001", "S-1-5-21-1-2-3-1002"
	svc := ServiceSID("ApetitsPas")
	for _, c := range []struct {
		owner, pipe string
		ok          bool
	}{
		{svc, "ApetitsPas", true},
		{svc, "apetitspas", true}, // pipe names are not case-sensitive
		{svc, "Autre", false},     // another service's pipe
		{sidSystem, "ApetitsPas", true},
		{sidAdministrators, "ApetitsPas", true},
		{me, "ApetitsPas", true},
		{"s-1-5-21-1-2-3-1001", "ApetitsPas", true},
		{other, "ApetitsPas", false}, // another account took the name
		{"S-1-1-0", "ApetitsPas", false},
		{ServiceSID("Autre"), "ApetitsPas", false},
		{"", "ApetitsPas", false},
	} {
		if got := pipeOwnerAllowed(c.owner, me, c.pipe); got != c.ok {
			t.Errorf("owner %s of pipe %s: allowed %v, want %v", c.owner, c.pipe, got, c.ok)
		}
	}
}
