package screens

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

func TestAnErasedPersonReadsAsHerNumberOnly(t *testing.T) {
	test.NewTempApp(t)
	events := []apetitspas.AuditEvent{
		{Event: apetitspas.EventMFAReset, Actor: "julie@cpe.ca", ActorName: "Julie Tremblay", TargetErased: 123, ErasedPersons: []int64{123}},
		{Event: apetitspas.EventUserErased, Actor: "julie@cpe.ca", ActorName: "Julie Tremblay", TargetErased: 123, ErasedPersons: []int64{123},
			Fields: []apetitspas.AuditField{{Key: apetitspas.FieldPerson, Value: "123"}}},
		{Event: apetitspas.EventLoginFailed, ActorErased: 7, ErasedPersons: []int64{7, 9},
			Detail: "typed {p:9}", Fields: []apetitspas.AuditField{{Key: apetitspas.FieldReason, Value: "{p:9}"}}},
	}
	showErased(events)
	if s := sentenceOf(events[0]); !strings.Contains(s, "Personne effacée (n° 123)") || !strings.Contains(s, "Julie Tremblay") {
		t.Errorf("reset of an erased person: %q", s)
	}
	if s := sentenceOf(events[1]); !strings.Contains(s, "(n° 123)") {
		t.Errorf("the erasure: %q", s)
	}
	var detail []string
	for _, l := range detailFields(events[2]) {
		detail = append(detail, l.label+": "+l.value)
	}
	all := strings.Join(detail, "\n")
	if !strings.Contains(all, "Personne effacée (n° 7)") || !strings.Contains(all, "Personne effacée (n° 9)") || strings.Contains(all, "{p:") {
		t.Errorf("detail pane:\n%s", all)
	}
	if events[2].Detail != "typed Personne effacée (n° 9)" {
		t.Errorf("detail %q", events[2].Detail)
	}
}
