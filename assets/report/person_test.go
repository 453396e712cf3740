package report

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

func personSample(rows int) PersonExport {
	x := PersonExport{Data: apetitspas.PersonData{Daycare: "CPE Les Petits Pas d'Hélène", Made: made,
		By: "emilie@cpe.test", Formats: []string{apetitspas.ExportJSON, apetitspas.ReportPDF},
		Account: apetitspas.PersonAccount{Email: "francois@cpe.test", Name: "François Côté", Role: apetitspas.RoleEmployee,
			CreatedAt: made.Add(-30 * 24 * time.Hour).In(time.FixedZone("EST", -5*3600)), CreatedBy: "emilie@cpe.test",
			UpdatedAt: made.Add(-time.Hour), LastSignIn: made.Add(-2 * time.Hour), MFA: apetitspas.MFAPending,
			MFAState: apetitspas.ReportImposed, MFASince: made.Add(-24 * time.Hour), MFADue: made.Add(13 * 24 * time.Hour),
			RecoveryCodesLeft: 0}}}
	for i := 0; i < rows; i++ {
		e := apetitspas.AuditEvent{ID: int64(1000 - i), Time: made.Add(-time.Duration(i) * time.Minute),
			Event: apetitspas.EventLoginSucceeded, Actor: "francois@cpe.test", ActorName: "François Côté",
			Target: "francois@cpe.test", TargetName: "François Côté"}
		if i%3 == 1 {
			e.Event, e.Actor, e.ActorName = apetitspas.EventMFAReset, "emilie@cpe.test", "Émilie Bélanger"
			e.Fields = []apetitspas.AuditField{{Key: apetitspas.FieldMFAWas, Value: "on"},
				{Key: apetitspas.FieldReason, Value: "Téléphone perdu dans la cour de la garderie, remplacé par un autre appareil la semaine suivante"}}
		}
		if i%3 == 2 {
			e.Event, e.Detail = "future.event", "an older detail"
		}
		x.Rows = append(x.Rows, e)
	}
	return x
}

func TestEveryEventHasAFrenchAndAnEnglishLabel(t *testing.T) {
	for _, code := range apetitspas.AuditEvents {
		key, ok := eventKeys[code]
		if !ok {
			t.Errorf("%s has no label", code)
			continue
		}
		fr, en := assets.Table("fr")[key], assets.Table("en")[key]
		if fr == "" || en == "" || fr == en {
			t.Errorf("%s: fr %q, en %q", code, fr, en)
		}
	}
	if len(eventKeys) != len(apetitspas.AuditEvents) {
		t.Errorf("%d labels for %d events", len(eventKeys), len(apetitspas.AuditEvents))
	}
	if EventLabel("fr", "future.event") != "" {
		t.Error("an unknown code has a label")
	}
}

func TestThePersonJSONHasAStableShapeWithUTCDates(t *testing.T) {
	var b bytes.Buffer
	if err := WritePersonJSON(&b, personSample(3)); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema_version", "kind", "daycare", "made_at", "made_by", "formats", "account", "mfa", "journal_rows", "journal"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	var j PersonJSON
	if err := json.Unmarshal(b.Bytes(), &j); err != nil {
		t.Fatal(err)
	}
	if j.SchemaVersion != 1 || j.Kind != "apetitspas.person_export" || j.Account.Name != "François Côté" ||
		j.MFA.State != "pending" || j.MFA.Status != "imposed" || j.JournalRows != 3 || len(j.Journal) != 3 {
		t.Fatalf("%+v", j)
	}
	if *j.Account.CreatedAt != "2026-11-03T21:59:00Z" || *j.MadeAt != "2026-12-03T21:59:00Z" {
		t.Fatalf("dates not RFC 3339 UTC: %s, %s", *j.Account.CreatedAt, *j.MadeAt)
	}
	if j.Account.LockedUntil != nil || j.MFA.SecretCreatedAt != nil || m["account"].(map[string]any)["locked_until"] != nil {
		t.Fatal("a date that is none is not null")
	}
	r := j.Journal[1]
	if r.Event != apetitspas.EventMFAReset || r.Label != "AMF réinitialisée" || r.Fields[apetitspas.FieldMFAWas] != "on" ||
		r.Time != "2026-12-03T21:58:00Z" || r.ActorName != "Émilie Bélanger" {
		t.Fatalf("row %+v", r)
	}
	if j.Journal[2].Label != "" || j.Journal[2].Fields == nil || j.Journal[2].Detail != "an older detail" {
		t.Fatalf("unknown row %+v", j.Journal[2])
	}
}

// pagesText is the text of each content stream that draws some (a page's,
// in order).
func pagesText(t *testing.T, b []byte) []string {
	t.Helper()
	var pages []string
	for _, m := range streamRE.FindAllSubmatch(b, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue
		}
		content, err := io.ReadAll(zr)
		if err != nil || !tjRE.Match(content) {
			continue
		}
		pages = append(pages, pdfText(t, []byte(fmt.Sprintf("stream\n%s\nendstream", m[1]))))
	}
	return pages
}

func TestThePersonPDFReadsInFrenchWithHerNameOnPageOne(t *testing.T) {
	var b bytes.Buffer
	if err := WritePersonPDF(&b, "fr", personSample(120)); err != nil {
		t.Fatal(err)
	}
	pages := pagesText(t, b.Bytes())
	if len(pages) < 3 {
		t.Fatalf("%d pages for 120 rows", len(pages))
	}
	checkPDF(t, b.Bytes(), len(pages))
	if !bytes.Contains(b.Bytes(), []byte("/MediaBox [0 0 612.00 792.00]")) {
		t.Errorf("not Letter portrait")
	}
	for _, want := range []string{"Renseignements personnels de François Côté", "CPE Les Petits Pas d'Hélène",
		"francois@cpe.test", "Employé", "Imposée, en attente", "Connexion multi-facteurs (AMF)",
		"Exportés le 3\u00a0déc.\u00a02026, 16\u00a0h\u00a059 par emilie@cpe.test", "16\u00a0déc.\u00a02026",
		"Journal de sécurité", "120 événements", "Connexion réussie", "(login.succeeded)", fmt.Sprintf("Page 1 de %d", len(pages))} {
		if !strings.Contains(pages[0], want) {
			t.Errorf("page 1 lacks %q", want)
		}
	}
	all := strings.Join(pages, "\n")
	for _, want := range []string{fmt.Sprintf("Page %d de %d", len(pages), len(pages)), "Fait par", "future.event",
		"an older detail", "AMF réinitialisée", "(mfa.reset)", "reason : Téléphone perdu"} {
		if !strings.Contains(all, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	// The table's header comes again at the top of every page.
	for i, p := range pages[1:] {
		if !strings.Contains(p, "Événement") {
			t.Errorf("page %d has no table header", i+2)
		}
	}
	if os.Getenv("REPORT_PDF_OUT") != "" {
		_ = os.WriteFile(os.Getenv("REPORT_PDF_OUT")+".person.pdf", b.Bytes(), 0o644)
	}

	b.Reset()
	if err := WritePersonPDF(&b, "en", personSample(0)); err != nil {
		t.Fatal(err)
	}
	pages = pagesText(t, b.Bytes())
	if len(pages) != 1 || !strings.Contains(pages[0], "Personal information of François Côté") || !strings.Contains(pages[0], "No event.") {
		t.Fatalf("an empty journal in English: %q", pages)
	}
}
