package main

import (
	"strings"
	"testing"
)

func TestDataDirSecurity(t *testing.T) {
	svc := "S-1-5-80-1-2-3-4-5"
	got := dataDirSecurity(svc, "", "s-1-5-18", svc, "S-1-5-21-7-8-9-1001")
	want := "D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;S-1-5-80-1-2-3-4-5)(A;OICI;FA;;;S-1-5-21-7-8-9-1001)"
	if got != want {
		t.Fatalf("dataDirSecurity = %s\nwant %s", got, want)
	}
	// Protected (P), and nothing for Users, Everyone, Authenticated users,
	// CREATOR OWNER or OWNER RIGHTS.
	for _, sd := range []string{dataDirSDDL, retiredSDDL} {
		if !strings.HasPrefix(sd, "D:P") {
			t.Errorf("%s: not protected", sd)
		}
		for _, who := range []string{";BU)", ";WD)", ";AU)", ";IU)", ";CO)", ";OW)", "S-1-3-4"} {
			if strings.Contains(sd, who) {
				t.Errorf("%s lets %s in", sd, who)
			}
		}
	}
}
