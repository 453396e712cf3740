package app

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Persons kept apart from the journal (Québec's Loi 25: a family that
// leaves is erased, the journal stays verifiable).
//
// A journal row of the personal form never holds a person's e-mail: where
// it would (actor, target, an e-mail inside the detail or a field) it
// holds her reference, "{p:ID}". Her e-mail is in her Person row with a
// random salt and the commitment SHA-256(salt || e-mail). The row's MAC
// covers the reference and the commitment, never the e-mail: erasing her
// empties the e-mail and the salt, the commitment stays, and every row
// about her still verifies. Her e-mail changed in the file no longer
// matches the commitment (the rows naming her break); her commitment
// changed breaks the MAC of every row naming her.
//
// Rows written before persons existed keep the first form (their MAC
// covers the e-mails) until the one recorded hand-over rewrites them
// (HandOverJournal).

// Person is one person the journal names.
type Person struct {
	ID         int64
	Ref        string // "{p:ID}", what journal rows hold
	Email      string // normalized; "" once erased
	Salt       []byte // nil once erased
	Commitment []byte // SHA-256(salt || e-mail), kept after erasure
	ErasedAt   time.Time
}

// Erased reports whether the person was erased.
func (p Person) Erased() bool { return p.Email == "" }

// valid reports whether the person's e-mail is the one committed to (an
// erased person has nothing left to check).
func (p Person) valid() bool {
	if p.Erased() {
		return len(p.Commitment) == sha256.Size
	}
	return bytes.Equal(p.Commitment, commitment(p.Salt, p.Email))
}

func commitment(salt []byte, email string) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(strings.ToLower(email)))
	return h.Sum(nil)
}

// PersonRef is the reference journal rows hold for person id.
func PersonRef(id int64) string { return "{p:" + strconv.FormatInt(id, 10) + "}" }

var (
	refPattern = regexp.MustCompile(`\{p:([1-9][0-9]{0,18})\}`)
	// mailPattern finds e-mails inside a detail or a field's value.
	mailPattern = regexp.MustCompile(`[^\s,;:=<>()\[\]{}"'/\\]+@[^\s,;:=<>()\[\]{}"'/\\]+`)
)

// RefPerson gives the person number of a reference ("{p:123}"), ok false
// for anything else.
func RefPerson(s string) (int64, bool) {
	m := refPattern.FindStringSubmatch(s)
	if m == nil || m[0] != s {
		return 0, false
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	return id, err == nil
}

// ReplaceErased gives s with every reference to an erased person (left in
// a detail or a field by the journal listing) replaced by what fn says of
// her number: the screens write « Personne effacée (n° 123) ».
func ReplaceErased(s string, fn func(id int64) string) string {
	return refPattern.ReplaceAllStringFunc(s, func(ref string) string {
		id, _ := RefPerson(ref)
		return fn(id)
	})
}

// refsOf lists the persons a row of the personal form names, each once,
// in the order they appear (actor, target, detail, fields).
func refsOf(e AuditEvent) []int64 {
	var ids []int64
	seen := map[int64]bool{}
	add := func(s string) {
		for _, m := range refPattern.FindAllStringSubmatch(s, -1) {
			id, err := strconv.ParseInt(m[1], 10, 64)
			if err == nil && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	add(e.Actor)
	add(e.Target)
	add(e.Detail)
	for _, f := range e.Fields {
		add(f.Key)
		add(f.Value)
	}
	return ids
}

// auditMACPersons is the MAC of a row of the personal form: the row as
// stored (references, never e-mails) and the commitment of each person
// it names. ok is false when a person it names is missing or her e-mail
// is not the one committed to.
func (k *macKeys) auditMACPersons(prev []byte, e AuditEvent, persons func(int64) (Person, bool)) (mac []byte, ok bool) {
	var w macWriter
	w.str("audit/persons")
	w.bytes(prev)
	w.int(e.ID)
	w.time(e.Time)
	w.str(e.Event)
	w.str(e.Actor)
	w.str(e.Target)
	w.str(e.Detail)
	w.int(int64(len(e.Fields)))
	for _, f := range e.Fields {
		w.str(f.Key)
		w.str(f.Value)
	}
	ids := refsOf(e)
	w.int(int64(len(ids)))
	ok = true
	for _, id := range ids {
		p, found := persons(id)
		if !found || !p.valid() {
			ok = false
		}
		w.int(id)
		w.bytes(p.Commitment)
	}
	return w.sum(k.audit), ok
}

// settingPersonsFrom is the ID of the first journal row of the personal
// form: rows before it are of the first form (until the hand-over).
const settingPersonsFrom = "audit_persons_from"

// personsFrom reads settingPersonsFrom (0: no row of the personal form
// yet, every row is of the first form).
func personsFrom(tx Tx) (int64, error) {
	v, ok, err := tx.Setting(settingPersonsFrom)
	if err != nil || !ok {
		return 0, err
	}
	id, _ := strconv.ParseInt(v, 10, 64)
	return id, nil
}

// personOf returns the person of e-mail email, made if there is none.
func (t *sealTx) personOf(email string) (Person, error) {
	email = NormalizeEmail(email)
	if p, ok := t.persons[email]; ok {
		return p, nil
	}
	p, ok, err := t.Tx.PersonByEmail(email)
	if err != nil {
		return Person{}, err
	}
	if !ok {
		if p.ID, err = t.Tx.NextPersonID(); err != nil {
			return Person{}, err
		}
		p.Ref, p.Email, p.Salt = PersonRef(p.ID), email, make([]byte, 16)
		if _, err := rand.Read(p.Salt); err != nil {
			return Person{}, err
		}
		p.Commitment = commitment(p.Salt, email)
		if err := t.Tx.InsertPerson(p); err != nil {
			return Person{}, err
		}
	}
	if t.persons == nil {
		t.persons = map[string]Person{}
	}
	t.persons[email] = p
	if t.used == nil {
		t.used = map[int64]Person{}
	}
	t.used[p.ID] = p
	if t.byID != nil {
		t.byID[p.ID] = p
	}
	return p, nil
}

// personal is e as a row of the personal form stores it: every e-mail
// replaced by its person's reference.
func (t *sealTx) personal(e AuditEvent) (AuditEvent, error) {
	var err error
	ref := func(s string) string {
		if err != nil || !strings.Contains(s, "@") {
			return s
		}
		return mailPattern.ReplaceAllStringFunc(s, func(m string) string {
			p, perr := t.personOf(m)
			if perr != nil {
				err = perr
				return m
			}
			return p.Ref
		})
	}
	e.Actor, e.Target, e.Detail = ref(e.Actor), ref(e.Target), ref(e.Detail)
	if len(e.Fields) > 0 {
		fs := make([]AuditField, len(e.Fields))
		for i, f := range e.Fields {
			fs[i] = AuditField{Key: f.Key, Value: ref(f.Value)}
		}
		e.Fields = fs
	}
	return e, err
}

// knownPerson finds a person this transaction used, else any person.
func (t *sealTx) knownPerson(id int64) (Person, bool) {
	if p, ok := t.used[id]; ok {
		return p, true
	}
	return t.personByID(id)
}

// personByID finds a person by number, reading them all once.
func (t *sealTx) personByID(id int64) (Person, bool) {
	if t.byID == nil {
		all, err := t.Tx.Persons()
		if err != nil {
			return Person{}, false
		}
		t.byID = all
	}
	p, ok := t.byID[id]
	return p, ok
}

// rowMAC is the MAC journal row e should have after prev, in its form
// (from: the first row of the personal form, 0 if none). ok is false when
// the persons it names do not match their commitments.
func (t *sealTx) rowMAC(k *macKeys, prev []byte, e AuditEvent, from int64) ([]byte, bool) {
	return t.rowMACWith(k, prev, e, from, t.personByID)
}

// rowMACWith is rowMAC with the persons looked up by persons.
func (t *sealTx) rowMACWith(k *macKeys, prev []byte, e AuditEvent, from int64, persons func(int64) (Person, bool)) ([]byte, bool) {
	if from == 0 || e.ID < from {
		return k.auditMAC(prev, e), true
	}
	return k.auditMACPersons(prev, e, persons)
}

// journaledErasures are the persons the journal says were erased (a
// user.erased row names each by FieldPerson, an audit.pseudonymised row
// by FieldPersons): a person found empty without one was emptied outside
// the application.
func journaledErasures(tx Tx) (map[int64]bool, error) {
	rows, err := tx.Audit(AuditFilter{Event: EventUserErased})
	if err != nil {
		return nil, err
	}
	out := map[int64]bool{}
	for _, e := range rows {
		if id, err := strconv.ParseInt(e.Field(FieldPerson), 10, 64); err == nil {
			out[id] = true
		}
	}
	// The journal's retention pass (retention.go) names by number the
	// persons it emptied.
	rows, err = tx.Audit(AuditFilter{Event: EventJournalPseudonymised})
	if err != nil {
		return nil, err
	}
	for _, e := range rows {
		for _, v := range strings.Split(e.Field(FieldPersons), ",") {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				out[id] = true
			}
		}
	}
	return out, nil
}

// Audit lists journal events with every person's e-mail put back; a
// person who was erased is given by her number (ActorErased, TargetErased,
// ErasedPersons), never by what she was.
func (t *sealTx) Audit(f AuditFilter) ([]AuditEvent, error) {
	es, err := t.Tx.Audit(f)
	if err != nil {
		return es, err
	}
	for i := range es {
		t.resolve(&es[i])
	}
	return es, nil
}

// resolve puts back the e-mails of the persons e names.
func (t *sealTx) resolve(e *AuditEvent) {
	if id, ok := RefPerson(e.Actor); ok {
		e.Actor, e.ActorErased = "", id
		e.ErasedPersons = append(e.ErasedPersons, id)
	}
	if id, ok := RefPerson(e.Target); ok {
		e.Target, e.TargetErased = "", id
		if id != e.ActorErased {
			e.ErasedPersons = append(e.ErasedPersons, id)
		}
	}
	put := func(s string) string {
		if !strings.Contains(s, "{p:") {
			return s
		}
		return refPattern.ReplaceAllStringFunc(s, func(ref string) string {
			id, _ := RefPerson(ref)
			if p, ok := t.personByID(id); ok && !p.Erased() {
				return p.Email
			}
			for _, seen := range e.ErasedPersons {
				if seen == id {
					return ref
				}
			}
			e.ErasedPersons = append(e.ErasedPersons, id)
			return ref
		})
	}
	e.Detail = put(e.Detail)
	for i := range e.Fields {
		e.Fields[i].Value = put(e.Fields[i].Value)
	}
}
