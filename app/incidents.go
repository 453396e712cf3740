package app

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The register of confidentiality incidents (Loi 25: the private-sector
// Act, s. 3.8, and its regulation): every incident, even one not serious
// enough to notify, is entered with what the Commission d'accès à
// l'information lists, and kept at least five years.
//
// The register lives in the journal itself: an entry is written, and
// each change to it, as an incident.recorded row holding every field
// (the newest row of an entry is its state); a draft dismissed is an
// incident.dismissed row with its reason. So every change is journaled
// by construction, under the journal's MAC chain, and kept as long as the
// journal (never deleted; Conservation des renseignements only
// pseudonymises). Drafts are not written anywhere: each detection the
// product journals (IncidentDetections) that no entry or dismissal points
// to is a draft, so none can be lost between the detection and its
// draft, whatever process detected it.

// Events of the register.
const (
	// EventIncidentRecorded: an entry written or changed (every field;
	// FieldIncident names the entry on a change, FieldSource the detection
	// it completes).
	EventIncidentRecorded = "incident.recorded"
	// EventIncidentDismissed: a draft dismissed (FieldSource, FieldReason).
	EventIncidentDismissed = "incident.dismissed"
)

// Fields of the register's events.
const (
	FieldIncident       = "incident"           // the entry's number
	FieldSource         = "source"             // the journal row of the detection
	FieldInformation    = "information"        // the personal information concerned
	FieldCircumstances  = "circumstances"      // what happened
	FieldPeriod         = "period"             // when it happened: a date or a period
	FieldKnownOn        = "known_on"           // when it became known (YYYY-MM-DD)
	FieldPeople         = "people"             // how many people are concerned
	FieldRisk           = "risk"               // RiskSerious, RiskNotSerious or RiskToAssess
	FieldRiskAssessment = "risk_assessment"    // why: the assessment of the risk of serious injury
	FieldCAINotified    = "cai_notified_on"    // notice to the Commission (YYYY-MM-DD)
	FieldPeopleNotified = "people_notified_on" // notice to the people concerned (YYYY-MM-DD)
	FieldMeasures       = "measures"           // measures taken to reduce the risk and prevent another
)

// Risk of serious injury (FieldRisk).
const (
	RiskToAssess   = "to_assess"
	RiskSerious    = "serious"
	RiskNotSerious = "not_serious"
)

// Refusals of the register.
const (
	ReasonIncidentRequired = "incident_required"  // information, circumstances and the date it became known are needed
	ReasonIncidentText     = "incident_text"      // a field has invisible or control characters
	ReasonIncidentTooLong  = "incident_too_long"  // a field over MaxIncidentText characters
	ReasonIncidentDate     = "incident_date"      // a date that is not one, or in the future
	ReasonIncidentPeople   = "incident_people"    // the number of people is not a number from 0 to MaxIncidentPeople
	ReasonIncidentRisk     = "incident_risk"      // an unknown risk value
	ReasonIncidentUnknown  = "incident_unknown"   // no such entry or draft
	ReasonIncidentDone     = "incident_done"      // the draft was already recorded or dismissed
	ReasonDismissReason    = "incident_dismissal" // dismissing a draft needs a reason (a real sentence)
)

// MaxIncidentText is the most characters of one field of an entry;
// MaxIncidentPeople the most people it may count.
const (
	MaxIncidentText   = 4000
	MaxIncidentPeople = 10_000_000
)

// IncidentDetections are the events that open a draft: the file changed
// outside the application (journal or account), the journal rolled back,
// a break-glass reset, the key replaced, an account locked after a burst
// of failed sign-ins or codes, a backup restored.
var IncidentDetections = []string{
	EventAuditTampered, EventAccountTampered, EventAuditRolledBack, EventMFAResetBreakGlass,
	EventKeyReplaced, EventLoginLocked, EventMFALocked, EventBackupRestored,
}

// IncidentGroupWindow: detections of one kind about one account this
// close to the first make one draft.
const IncidentGroupWindow = 24 * time.Hour

// IncidentStatus is where an entry of the register stands.
type IncidentStatus string

const (
	IncidentDraft     IncidentStatus = "draft"     // opened by a detection, to complete or dismiss
	IncidentRecorded  IncidentStatus = "recorded"  // written in the register
	IncidentDismissed IncidentStatus = "dismissed" // a draft that was no incident (Reason says why)
)

// Incident is one entry of the register (or a draft).
type Incident struct {
	// Number is the entry's number (the journal row that first recorded
	// it); 0 for a draft or a dismissed draft.
	Number int64
	Status IncidentStatus
	// Source is the journal row of the detection that opened it (0 for an
	// entry written by hand); SourceEvent its code, Detected its time,
	// SourceTarget the account it concerned ("" when none).
	Source       int64
	SourceEvent  string
	Detected     time.Time
	SourceTarget string
	// Detections is how many detections the draft gathers (the same kind,
	// the same account, within IncidentGroupWindow of the first).
	Detections int

	// The Commission's fields.
	Information    string
	Circumstances  string
	Period         string
	KnownOn        string // YYYY-MM-DD
	People         int
	Risk           string // Risk*
	RiskAssessment string
	CAINotified    string // YYYY-MM-DD or ""
	PeopleNotified string // YYYY-MM-DD or ""
	Measures       string

	// Reason is why a draft was dismissed.
	Reason string
	// RecordedAt is when the entry was first written; By and At who wrote
	// its present state (or dismissed the draft) and when; Changes how
	// many times it was written.
	RecordedAt time.Time
	By         string
	At         time.Time
	Changes    int
}

// ShowErased gives reg with every reference to an erased person in an
// entry's text, its author and its detection's account replaced by what
// fn says of her number (see ReplaceErased); reg is left as it was.
func ShowErased(reg []Incident, fn func(id int64) string) []Incident {
	out := slices.Clone(reg)
	for i := range out {
		x := &out[i]
		for _, f := range []*string{&x.Information, &x.Circumstances, &x.Period, &x.RiskAssessment, &x.Measures, &x.Reason, &x.By, &x.SourceTarget} {
			*f = ReplaceErased(*f, fn)
		}
	}
	return out
}

// IncidentKeeper is the register, for the faces (part of API).
type IncidentKeeper interface {
	// Incidents is the register: drafts first (newest detection first),
	// then entries (newest first), then dismissed drafts.
	Incidents(ctx context.Context, h *Handle) ([]Incident, error)
	// SaveIncident records an entry: a new one (Number and Source 0), a
	// draft completed (Source), or a change to an entry (Number). It
	// returns the entry as recorded.
	SaveIncident(ctx context.Context, h *Handle, in Incident) (Incident, error)
	// DismissIncident dismisses the draft of the detection source, with
	// the reason it was no incident.
	DismissIncident(ctx context.Context, h *Handle, source int64, reason string) error
}

var _ IncidentKeeper = (*Local)(nil)

func (l *Local) Incidents(ctx context.Context, h *Handle) (out []Incident, err error) {
	err = l.with(ctx, h, func(s *Session) error { out, err = l.s.Incidents(ctx, s); return err })
	return out, err
}

func (l *Local) SaveIncident(ctx context.Context, h *Handle, in Incident) (out Incident, err error) {
	err = l.with(ctx, h, func(s *Session) error { out, err = l.s.SaveIncident(ctx, s, in); return err })
	return out, err
}

func (l *Local) DismissIncident(ctx context.Context, h *Handle, source int64, reason string) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.DismissIncident(ctx, s, source, reason) })
}

// Incidents is the register, for an administrator.
func (s *Service) Incidents(ctx context.Context, sess *Session) ([]Incident, error) {
	if err := s.requireAdmin(ctx, sess, "read incidents"); err != nil {
		return nil, err
	}
	var out []Incident
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = incidentRegister(tx)
		return err
	})
	return out, err
}

// SaveIncident checks in, then, in one write transaction, finds what it
// completes or changes (refused when the draft was recorded or dismissed
// meanwhile: two administrators completing one draft make one entry) and
// journals it whole (incident.recorded).
func (s *Service) SaveIncident(ctx context.Context, sess *Session, in Incident) (Incident, error) {
	in, err := in.clean(s.now())
	if err != nil {
		return Incident{}, err
	}
	var out Incident
	err = s.asAdmin(ctx, sess, "record incident", plain, "", func(tx Tx, a User, _ func() error) error {
		reg, err := incidentRegister(tx)
		if err != nil {
			return err
		}
		fields := []AuditField{}
		switch {
		case in.Number != 0:
			i := slices.IndexFunc(reg, func(x Incident) bool { return x.Number == in.Number })
			if i < 0 {
				return &Error{Code: ENOTFOUND, Reason: ReasonIncidentUnknown}
			}
			fields = append(fields, kv(FieldIncident, strconv.FormatInt(in.Number, 10)))
			in.Source = reg[i].Source
		case in.Source != 0:
			i := slices.IndexFunc(reg, func(x Incident) bool { return x.Source == in.Source })
			if i < 0 {
				return &Error{Code: ENOTFOUND, Reason: ReasonIncidentUnknown}
			}
			if reg[i].Status != IncidentDraft {
				return &Error{Code: ECONFLICT, Reason: ReasonIncidentDone}
			}
			fields = append(fields, kv(FieldSource, strconv.FormatInt(in.Source, 10)))
		}
		fields = append(fields, in.fields()...)
		e := s.audit(EventIncidentRecorded, a.Email, "", "incident", fields...)
		if err := tx.AppendAudit(e); err != nil {
			return err
		}
		if reg, err = incidentRegister(tx); err != nil {
			return err
		}
		number := in.Number
		if number == 0 {
			number = e.ID
		}
		i := slices.IndexFunc(reg, func(x Incident) bool { return x.Number == number })
		if i < 0 {
			return &Error{Code: ENOTFOUND, Reason: ReasonIncidentUnknown}
		}
		out = reg[i]
		return nil
	})
	return out, err
}

// DismissIncident journals that the draft of source was no incident.
func (s *Service) DismissIncident(ctx context.Context, sess *Session, source int64, reason string) error {
	reason, err := cleanIncidentText(reason)
	if err != nil {
		return err
	}
	if len(strings.Fields(reason)) < 2 {
		return &Error{Code: EINVALID, Reason: ReasonDismissReason}
	}
	return s.asAdmin(ctx, sess, "dismiss incident", plain, "", func(tx Tx, a User, _ func() error) error {
		reg, err := incidentRegister(tx)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(reg, func(x Incident) bool { return x.Source == source && source != 0 })
		switch {
		case i < 0:
			return &Error{Code: ENOTFOUND, Reason: ReasonIncidentUnknown}
		case reg[i].Status != IncidentDraft:
			return &Error{Code: ECONFLICT, Reason: ReasonIncidentDone}
		}
		return tx.AppendAudit(s.audit(EventIncidentDismissed, a.Email, reg[i].SourceTarget, "incident draft dismissed",
			kv(FieldSource, strconv.FormatInt(source, 10)), kv(FieldReason, reason)))
	})
}

// clean trims every field and checks them: the information, the
// circumstances and the date it became known are required; dates are
// real and not after today (now's date in UTC, a day ahead allowed for
// the time zones); the rest may be completed later.
func (in Incident) clean(now time.Time) (Incident, error) {
	var err error
	for _, f := range []*string{&in.Information, &in.Circumstances, &in.Period, &in.RiskAssessment, &in.Measures} {
		if *f, err = cleanIncidentText(*f); err != nil {
			return Incident{}, err
		}
	}
	if in.Information == "" || in.Circumstances == "" || strings.TrimSpace(in.KnownOn) == "" {
		return Incident{}, &Error{Code: EINVALID, Reason: ReasonIncidentRequired}
	}
	latest := now.UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	for _, d := range []*string{&in.KnownOn, &in.CAINotified, &in.PeopleNotified} {
		*d = strings.TrimSpace(*d)
		if *d == "" {
			continue
		}
		t, perr := time.Parse(time.DateOnly, *d)
		if perr != nil || t.Year() < 2000 || *d > latest {
			return Incident{}, &Error{Code: EINVALID, Reason: ReasonIncidentDate}
		}
	}
	if in.People < 0 || in.People > MaxIncidentPeople {
		return Incident{}, &Error{Code: EINVALID, Reason: ReasonIncidentPeople, Limit: MaxIncidentPeople}
	}
	switch in.Risk {
	case "":
		in.Risk = RiskToAssess
	case RiskToAssess, RiskSerious, RiskNotSerious:
	default:
		return Incident{}, &Error{Code: EINVALID, Reason: ReasonIncidentRisk}
	}
	return in, nil
}

// cleanIncidentText is s trimmed, in NFC, with at most MaxIncidentText
// characters and nothing invisible but line ends and tabs.
func cleanIncidentText(s string) (string, error) {
	if len(s) > 8*MaxIncidentText || !utf8.ValidString(s) {
		return "", &Error{Code: EINVALID, Reason: ReasonIncidentTooLong, Limit: MaxIncidentText}
	}
	for _, r := range s {
		if r != '\t' && r != '\n' && r != '\r' && invisible(r) {
			return "", &Error{Code: EINVALID, Reason: ReasonIncidentText}
		}
	}
	s = strings.TrimSpace(strings.ReplaceAll(norm.NFC.String(s), "\r\n", "\n"))
	if utf8.RuneCountInString(s) > MaxIncidentText {
		return "", &Error{Code: EINVALID, Reason: ReasonIncidentTooLong, Limit: MaxIncidentText}
	}
	return s, nil
}

// fields are the entry's fields as journaled (every one, even empty: the
// row is the entry's whole state).
func (in Incident) fields() []AuditField {
	return []AuditField{
		kv(FieldInformation, in.Information), kv(FieldCircumstances, in.Circumstances), kv(FieldPeriod, in.Period),
		kv(FieldKnownOn, in.KnownOn), kv(FieldPeople, strconv.Itoa(in.People)), kv(FieldRisk, in.Risk),
		kv(FieldRiskAssessment, in.RiskAssessment), kv(FieldCAINotified, in.CAINotified),
		kv(FieldPeopleNotified, in.PeopleNotified), kv(FieldMeasures, in.Measures),
	}
}

// incidentOf reads an entry's state from its incident.recorded row.
func incidentOf(e AuditEvent) Incident {
	people, _ := strconv.Atoi(e.Field(FieldPeople))
	return Incident{
		Status: IncidentRecorded, Information: e.Field(FieldInformation), Circumstances: e.Field(FieldCircumstances),
		Period: e.Field(FieldPeriod), KnownOn: e.Field(FieldKnownOn), People: people, Risk: e.Field(FieldRisk),
		RiskAssessment: e.Field(FieldRiskAssessment), CAINotified: e.Field(FieldCAINotified),
		PeopleNotified: e.Field(FieldPeopleNotified), Measures: e.Field(FieldMeasures),
		By: e.Actor, At: e.Time,
	}
}

// incidentRegister folds the journal into the register, read in tx.
func incidentRegister(tx Tx) ([]Incident, error) {
	rows := func(event string) ([]AuditEvent, error) { return tx.Audit(AuditFilter{Event: event}) }
	recorded, err := rows(EventIncidentRecorded)
	if err != nil {
		return nil, err
	}
	dismissed, err := rows(EventIncidentDismissed)
	if err != nil {
		return nil, err
	}
	var detections []AuditEvent
	for _, ev := range IncidentDetections {
		d, err := rows(ev)
		if err != nil {
			return nil, err
		}
		detections = append(detections, d...)
	}
	// Entries, oldest row first: a row without FieldIncident opens one,
	// a row with it is that entry's new state.
	entries := map[int64]*Incident{}
	var order []int64
	handled := map[int64]int64{} // detection → the row that handled it first
	for i := len(recorded) - 1; i >= 0; i-- {
		e := recorded[i]
		x := incidentOf(e)
		if n, err := strconv.ParseInt(e.Field(FieldIncident), 10, 64); err == nil {
			old, ok := entries[n]
			if !ok {
				continue // a change to no entry: not the application's row
			}
			x.Number, x.RecordedAt, x.Changes = n, old.RecordedAt, old.Changes+1
			x.Source = old.Source
			*old = x
			continue
		}
		x.Number, x.RecordedAt, x.Changes = e.ID, e.Time, 1
		if src, err := strconv.ParseInt(e.Field(FieldSource), 10, 64); err == nil {
			x.Source = src
			if handled[src] == 0 {
				handled[src] = e.ID
			}
		}
		entries[e.ID] = &x
		order = append(order, e.ID)
	}
	for i := len(dismissed) - 1; i >= 0; i-- {
		if src, err := strconv.ParseInt(dismissed[i].Field(FieldSource), 10, 64); err == nil && handled[src] == 0 {
			handled[src] = dismissed[i].ID
		}
	}
	// One event seen again and again (an account refused at sign-in, then
	// by the check; locked twice in an hour) is one draft: detections of
	// the same kind about the same account within IncidentGroupWindow of
	// the first, until the draft is handled, form one group, named by its
	// first detection.
	slices.SortFunc(detections, func(a, b AuditEvent) int { return cmp.Compare(a.ID, b.ID) })
	type group struct {
		first   AuditEvent
		count   int
		handled int64
	}
	groups := map[int64]*group{}
	open := map[string]*group{}
	var firsts []int64
	for _, d := range detections {
		key := d.Event + "\x00" + strings.ToLower(d.Target)
		g := open[key]
		if g == nil || d.Time.Sub(g.first.Time) >= IncidentGroupWindow || (g.handled != 0 && d.ID > g.handled) {
			g = &group{first: d, handled: handled[d.ID]}
			open[key] = g
			groups[d.ID] = g
			firsts = append(firsts, d.ID)
		}
		g.count++
	}
	from := func(x *Incident, source int64) bool {
		g, ok := groups[source]
		if ok {
			d := g.first
			x.Source, x.SourceEvent, x.Detected, x.SourceTarget, x.Detections = d.ID, d.Event, d.Time, d.Target, g.count
		}
		return ok
	}
	done := map[int64]bool{}
	for _, x := range entries {
		if x.Source != 0 {
			from(x, x.Source)
			done[x.Source] = true
		}
	}
	var drafts, gone []Incident
	for _, e := range dismissed { // newest first: the first one counts
		src, err := strconv.ParseInt(e.Field(FieldSource), 10, 64)
		if err != nil || done[src] {
			continue
		}
		x := Incident{Status: IncidentDismissed, Reason: e.Field(FieldReason), By: e.Actor, At: e.Time}
		if !from(&x, src) {
			continue
		}
		done[src] = true
		gone = append(gone, x)
	}
	for _, id := range firsts {
		if done[id] {
			continue
		}
		d := groups[id].first
		x := Incident{Status: IncidentDraft, Risk: RiskToAssess, KnownOn: d.Time.UTC().Format(time.DateOnly),
			Period: d.Time.UTC().Format(time.DateOnly)}
		from(&x, id)
		drafts = append(drafts, x)
	}
	slices.SortFunc(drafts, func(a, b Incident) int { return cmp.Compare(b.Source, a.Source) })
	slices.SortFunc(gone, func(a, b Incident) int { return cmp.Compare(b.Source, a.Source) })
	out := drafts
	for i := len(order) - 1; i >= 0; i-- {
		out = append(out, *entries[order[i]])
	}
	return append(out, gone...), nil
}
