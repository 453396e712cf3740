package screens

import (
	"fyne.io/fyne/v2/lang"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// erasedPerson names a person whose data was erased (Loi 25): her number
// only, « Personne effacée (n° 123) ».
func erasedPerson(id int64) string {
	return lang.X("journal.erased_person", "Personne effacée (n° {{.N}})", map[string]any{"N": id})
}

// showErased puts « Personne effacée (n° N) » where an erased person's
// e-mail was: as the actor, the target, and for each reference the
// listing left in a detail or a field. The journal shows, saves (CSV)
// and details the events as they come out of it.
func showErased(events []apetitspas.AuditEvent) {
	for i := range events {
		e := &events[i]
		if e.ActorErased > 0 {
			e.Actor, e.ActorName = erasedPerson(e.ActorErased), ""
		}
		if e.TargetErased > 0 {
			e.Target, e.TargetName = erasedPerson(e.TargetErased), ""
		}
		if len(e.ErasedPersons) == 0 {
			continue
		}
		e.Detail = apetitspas.ReplaceErased(e.Detail, erasedPerson)
		if len(e.Fields) > 0 {
			fs := make([]apetitspas.AuditField, len(e.Fields))
			for j, f := range e.Fields {
				fs[j] = apetitspas.AuditField{Key: f.Key, Value: apetitspas.ReplaceErased(f.Value, erasedPerson)}
			}
			e.Fields = fs
		}
	}
}
