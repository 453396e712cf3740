package app_test

import (
	"strconv"
	"testing"

	"github.com/apetitspas/apetitspas/app"
)

// An erased person is shown by her number in every field of the register
// a person reads (the window and the tool both show it so), and the
// register the service gave is left as it was.
func TestTheRegisterShowsAnErasedPersonByHerNumber(t *testing.T) {
	ref := app.PersonRef(7)
	reg := []app.Incident{{Information: "compte " + ref, Circumstances: ref, Period: ref, RiskAssessment: ref,
		Measures: ref, Reason: ref, By: ref, SourceTarget: ref}}
	got := app.ShowErased(reg, func(id int64) string { return "Personne effacée (n° " + strconv.FormatInt(id, 10) + ")" })
	x := got[0]
	for i, f := range []string{x.Circumstances, x.Period, x.RiskAssessment, x.Measures, x.Reason, x.By, x.SourceTarget} {
		if f != "Personne effacée (n° 7)" {
			t.Errorf("field %d: %q", i, f)
		}
	}
	if x.Information != "compte Personne effacée (n° 7)" || reg[0].By != ref {
		t.Fatalf("%q; the service's register changed: %q", x.Information, reg[0].By)
	}
}
