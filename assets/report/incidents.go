package report

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

// Register is the register of confidentiality incidents as written to a
// file: the daycare, when it was made, and its entries and drafts (in the
// service's order: drafts, entries, dismissed drafts).
type Register struct {
	Daycare string
	Made    time.Time
	Entries []apetitspas.Incident
}

// RiskWord names a risk of serious injury (app.Risk*) in language.
func RiskWord(language, risk string) string {
	switch risk {
	case apetitspas.RiskSerious:
		return assets.Message(language, "incident.risk_serious", nil)
	case apetitspas.RiskNotSerious:
		return assets.Message(language, "incident.risk_not_serious", nil)
	case apetitspas.RiskToAssess, "":
		return assets.Message(language, "incident.risk_to_assess", nil)
	}
	return risk
}

// StatusWord names where an entry stands in language.
func StatusWord(language string, s apetitspas.IncidentStatus) string {
	switch s {
	case apetitspas.IncidentDraft:
		return assets.Message(language, "incident.status_draft", nil)
	case apetitspas.IncidentDismissed:
		return assets.Message(language, "incident.status_dismissed", nil)
	}
	return assets.Message(language, "incident.status_recorded", nil)
}

// DetectionWord names what opened an entry: the detection's event, or
// « Écrite à la main ».
func DetectionWord(language string, x apetitspas.Incident) string {
	if x.SourceEvent == "" {
		return assets.Message(language, "incident.by_hand", nil)
	}
	if l := EventLabel(language, x.SourceEvent); l != "" {
		return l
	}
	return x.SourceEvent
}

// incidentColumns are the CSV's columns, the Commission's fields in its
// order, then the register's own.
var incidentColumns = []string{
	"incident.col_number", "incident.col_status", "incident.col_detection", "incident.col_detected",
	"journal.f.information", "journal.f.circumstances", "journal.f.period", "journal.f.known_on",
	"journal.f.people", "journal.f.risk", "journal.f.risk_assessment", "journal.f.cai_notified_on",
	"journal.f.people_notified_on", "journal.f.measures", "incident.col_reason", "incident.col_by",
	"incident.col_recorded", "incident.col_changed",
}

// WriteRegisterCSV writes the register for a spreadsheet: UTF-8 with a
// BOM, semicolons, one row per entry or draft, dates Excel reads as dates
// (fr-CA), cells that could be formulas made text.
func WriteRegisterCSV(w io.Writer, language string, r Register) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = true
	header := make([]string, len(incidentColumns))
	for i, k := range incidentColumns {
		header[i] = assets.Message(language, k, nil)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return assets.SpreadsheetTime(t)
	}
	for _, x := range r.Entries {
		number := ""
		if x.Number != 0 {
			number = strconv.FormatInt(x.Number, 10)
		}
		rec := []string{number, StatusWord(language, x.Status), DetectionWord(language, x), when(x.Detected),
			cell(x.Information), cell(x.Circumstances), cell(x.Period), x.KnownOn, strconv.Itoa(x.People),
			RiskWord(language, x.Risk), cell(x.RiskAssessment), x.CAINotified, x.PeopleNotified, cell(x.Measures),
			cell(x.Reason), cell(x.By), when(x.RecordedAt), when(x.At)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteRegisterPDF writes the register to print or give the Commission:
// Letter, portrait; the entries recorded, each with the Commission's
// fields, newest first; then the drafts dismissed with their reasons; the
// drafts still open are counted, not shown (they are no entry yet).
func WriteRegisterPDF(w io.Writer, language string, r Register) error {
	msg := func(key string, data map[string]any) string { return assets.Message(language, key, data) }
	title := msg("incident.pdf_title", nil)
	pdf := newPDF(language, title, r.Made, "P")
	pdf.AddPage()
	pdf.SetFont("sans", "B", 16)
	pdf.MultiCell(0, 8, title, "", "L", false)
	pdf.SetFont("sans", "", 11)
	pdf.CellFormat(0, 6, r.Daycare, "", 1, "L", false, 0, "")
	var recorded, dismissed []apetitspas.Incident
	drafts := 0
	for _, x := range r.Entries {
		switch x.Status {
		case apetitspas.IncidentRecorded:
			recorded = append(recorded, x)
		case apetitspas.IncidentDismissed:
			dismissed = append(dismissed, x)
		default:
			drafts++
		}
	}
	pdf.SetFont("sans", "", 9)
	pdf.SetTextColor(70, 70, 70)
	pdf.MultiCell(0, 5, msg("incident.pdf_made", map[string]any{"When": assets.FormatDateTime(language, r.Made),
		"Count": len(recorded), "Drafts": drafts}), "", "L", false)
	pdf.SetTextColor(0, 0, 0)
	orDash := func(s string) string {
		if s == "" {
			return "—"
		}
		return s
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return assets.FormatDateTime(language, t)
	}
	pairs := func(rows [][2]string) {
		for _, p := range rows {
			pdf.SetFont("sans", "B", 9)
			pdf.CellFormat(62, 5.5, msg(p[0], nil), "", 0, "L", false, 0, "")
			pdf.SetFont("sans", "", 9)
			pdf.MultiCell(0, 5.5, p[1], "", "L", false)
		}
	}
	for _, x := range recorded {
		pdf.Ln(4)
		pdf.SetFont("sans", "B", 12)
		pdf.MultiCell(0, 7, msg("incident.pdf_entry", map[string]any{"Number": x.Number}), "", "L", false)
		pairs([][2]string{
			{"incident.col_detection", DetectionWord(language, x)},
			{"journal.f.information", orDash(x.Information)},
			{"journal.f.circumstances", orDash(x.Circumstances)},
			{"journal.f.period", orDash(x.Period)},
			{"journal.f.known_on", orDash(x.KnownOn)},
			{"journal.f.people", strconv.Itoa(x.People)},
			{"journal.f.risk", RiskWord(language, x.Risk)},
			{"journal.f.risk_assessment", orDash(x.RiskAssessment)},
			{"journal.f.cai_notified_on", orDash(x.CAINotified)},
			{"journal.f.people_notified_on", orDash(x.PeopleNotified)},
			{"journal.f.measures", orDash(x.Measures)},
			{"incident.col_recorded", when(x.RecordedAt)},
			{"incident.col_by", orDash(x.By) + " — " + when(x.At)},
		})
	}
	if len(dismissed) > 0 {
		pdf.Ln(4)
		pdf.SetFont("sans", "B", 12)
		pdf.CellFormat(0, 7, msg("incident.pdf_dismissed", nil), "", 1, "L", false, 0, "")
		for _, x := range dismissed {
			pairs([][2]string{
				{"incident.col_detection", DetectionWord(language, x) + " — " + when(x.Detected)},
				{"incident.col_reason", orDash(x.Reason) + " (" + orDash(x.By) + ", " + when(x.At) + ")"},
			})
			pdf.Ln(1)
		}
	}
	return output(pdf, w)
}
