package report

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

// A person's data (« Exporter les données de cette personne », Loi 25):
// the JSON a program reads and the PDF a person reads, from the same
// PersonExport.

// PersonExport is an export as the tool or the window gathered it: what
// the service said of the person, and her journal rows, newest first.
type PersonExport struct {
	Data apetitspas.PersonData
	Rows []apetitspas.AuditEvent
}

// PersonSchemaVersion is the JSON's schema_version: raised when a field
// changes meaning or goes; new fields may come without it.
const PersonSchemaVersion = 1

// PersonJSON is the export's JSON (a public interface: field names stay).
// Times are RFC 3339 in UTC, null when there is none.
type PersonJSON struct {
	SchemaVersion int `json:"schema_version"`
	// Kind is always "apetitspas.person_export".
	Kind    string `json:"kind"`
	Daycare string `json:"daycare"`
	// MadeAt and MadeBy: when and by which administrator (e-mail).
	MadeAt  *string  `json:"made_at"`
	MadeBy  string   `json:"made_by"`
	Formats []string `json:"formats"`
	Account struct {
		Email string `json:"email"`
		Name  string `json:"name"`
		// Role: "parent", "employee" or "admin".
		Role               string  `json:"role"`
		Disabled           bool    `json:"disabled"`
		MustChangePassword bool    `json:"must_change_password"`
		Tampered           bool    `json:"tampered"`
		CreatedAt          *string `json:"created_at"`
		// CreatedBy: the administrator who created or promoted the
		// account (e-mail), "" when none.
		CreatedBy    string  `json:"created_by"`
		UpdatedAt    *string `json:"updated_at"`
		LastSignInAt *string `json:"last_sign_in_at"`
		FailedLogins int     `json:"failed_logins"`
		LockedUntil  *string `json:"locked_until"`
	} `json:"account"`
	MFA struct {
		// State: "off", "pending" or "on"; Status the MFA report's
		// words for it: "on", "imposed", "reset", "requested", "off".
		State  string  `json:"state"`
		Status string  `json:"status"`
		Since  *string `json:"since"`
		Due    *string `json:"due"`
		// SecretCreatedAt: when the authenticator's secret was made
		// (never the secret).
		SecretCreatedAt *string `json:"secret_created_at"`
		ResetBy         string  `json:"reset_by"`
		ResetAt         *string `json:"reset_at"`
		// RecoveryCodesLeft: unused recovery codes (never the codes).
		RecoveryCodesLeft     int     `json:"recovery_codes_left"`
		ReactivationExpiresAt *string `json:"reactivation_expires_at"`
	} `json:"mfa"`
	// JournalRows is len(Journal).
	JournalRows int `json:"journal_rows"`
	// Journal: the rows where she acted or was acted upon, newest first.
	Journal []PersonEventJSON `json:"journal"`
}

// PersonEventJSON is one journal row of the export.
type PersonEventJSON struct {
	ID    int64  `json:"id"`
	Time  string `json:"time"`
	Event string `json:"event"`
	// Label is the event in French words ("" for a code unknown here).
	Label      string `json:"label"`
	Actor      string `json:"actor"`
	ActorName  string `json:"actor_name"`
	Target     string `json:"target"`
	TargetName string `json:"target_name"`
	Detail     string `json:"detail"`
	// Fields are the row's details key by key (an empty object when none).
	Fields map[string]string `json:"fields"`
}

func rfc3339(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// PersonJSONOf is x in the JSON's shape.
func PersonJSONOf(x PersonExport) PersonJSON {
	d, a := x.Data, x.Data.Account
	var j PersonJSON
	j.SchemaVersion, j.Kind = PersonSchemaVersion, "apetitspas.person_export"
	j.Daycare, j.MadeAt, j.MadeBy, j.Formats = d.Daycare, rfc3339(d.Made), d.By, append([]string{}, d.Formats...)
	j.Account.Email, j.Account.Name, j.Account.Role = a.Email, a.Name, string(a.Role)
	j.Account.Disabled, j.Account.MustChangePassword, j.Account.Tampered = a.Disabled, a.MustChangePassword, a.Tampered
	j.Account.CreatedAt, j.Account.CreatedBy, j.Account.UpdatedAt = rfc3339(a.CreatedAt), a.CreatedBy, rfc3339(a.UpdatedAt)
	j.Account.LastSignInAt, j.Account.FailedLogins, j.Account.LockedUntil = rfc3339(a.LastSignIn), a.FailedLogins, rfc3339(a.LockedUntil)
	j.MFA.State, j.MFA.Status, j.MFA.Since, j.MFA.Due = string(a.MFA), string(a.MFAState), rfc3339(a.MFASince), rfc3339(a.MFADue)
	j.MFA.SecretCreatedAt, j.MFA.ResetBy, j.MFA.ResetAt = rfc3339(a.MFASecretSince), a.MFAResetBy, rfc3339(a.MFAResetAt)
	j.MFA.RecoveryCodesLeft, j.MFA.ReactivationExpiresAt = a.RecoveryCodesLeft, rfc3339(a.ReactivationExpires)
	j.Journal = make([]PersonEventJSON, 0, len(x.Rows))
	for _, e := range x.Rows {
		fields := make(map[string]string, len(e.Fields))
		for _, f := range e.Fields {
			fields[f.Key] = f.Value
		}
		j.Journal = append(j.Journal, PersonEventJSON{ID: e.ID, Time: e.Time.UTC().Format(time.RFC3339),
			Event: e.Event, Label: EventLabel("fr", e.Event), Actor: e.Actor, ActorName: e.ActorName,
			Target: e.Target, TargetName: e.TargetName, Detail: e.Detail, Fields: fields})
	}
	j.JournalRows = len(j.Journal)
	return j
}

// WritePersonJSON writes x as PersonJSON, indented, UTF-8.
func WritePersonJSON(w io.Writer, x PersonExport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(PersonJSONOf(x))
}

// WritePersonPDF writes x as a PDF to read and print: Letter, portrait;
// on page 1 the person's name, the daycare, when and by whom it was
// made, her account and its multi-factor sign-in; then her journal rows
// in a table whose header repeats on every page (the details wrap, never
// cut); « Page 1 de 3 » at the foot.
func WritePersonPDF(w io.Writer, language string, x PersonExport) error {
	d, a := x.Data, x.Data.Account
	msg := func(key string, data map[string]any) string { return assets.Message(language, key, data) }
	title := msg("person.title", map[string]any{"Name": a.Name})
	pdf := newPDF(language, title, d.Made, "P")
	pdf.AddPage()
	pdf.SetFont("sans", "B", 16)
	pdf.MultiCell(0, 8, title, "", "L", false)
	pdf.SetFont("sans", "", 11)
	pdf.CellFormat(0, 6, d.Daycare, "", 1, "L", false, 0, "")
	pdf.SetFont("sans", "", 9)
	pdf.SetTextColor(70, 70, 70)
	pdf.MultiCell(0, 5, msg("person.made", map[string]any{"When": assets.FormatDateTime(language, d.Made), "By": d.By}), "", "L", false)
	pdf.MultiCell(0, 5, msg("person.intro", nil), "", "L", false)
	pdf.SetTextColor(0, 0, 0)

	when := func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return assets.FormatDateTime(language, t)
	}
	yesNo := func(b bool) string {
		if b {
			return msg("report.yes", nil)
		}
		return msg("report.no", nil)
	}
	orDash := func(s string) string {
		if s == "" {
			return "—"
		}
		return s
	}
	section := func(key string) {
		pdf.Ln(4)
		pdf.SetFont("sans", "B", 12)
		pdf.CellFormat(0, 7, msg(key, nil), "", 1, "L", false, 0, "")
	}
	pairs := func(rows [][2]string) {
		for _, r := range rows {
			pdf.SetFont("sans", "B", 9)
			pdf.CellFormat(62, 5.5, msg(r[0], nil), "", 0, "L", false, 0, "")
			pdf.SetFont("sans", "", 9)
			pdf.MultiCell(0, 5.5, r[1], "", "L", false)
		}
	}
	section("person.account")
	pairs([][2]string{
		{"person.name", a.Name},
		{"person.email", a.Email},
		{"person.role", RoleWord(language, a.Role)},
		{"person.disabled", yesNo(a.Disabled)},
		{"person.created", when(a.CreatedAt)},
		{"person.created_by", orDash(a.CreatedBy)},
		{"person.updated", when(a.UpdatedAt)},
		{"person.last_sign_in", when(a.LastSignIn)},
		{"person.must_change", yesNo(a.MustChangePassword)},
		{"person.failed_logins", strconv.Itoa(a.FailedLogins)},
		{"person.locked_until", when(a.LockedUntil)},
	})
	section("person.mfa")
	pairs([][2]string{
		{"person.mfa_state", StateWord(language, a.MFAState)},
		{"person.mfa_since", when(a.MFASince)},
		{"person.mfa_due", when(a.MFADue)},
		{"person.mfa_secret", when(a.MFASecretSince)},
		{"person.mfa_reset", resetText(language, a)},
		{"person.recovery_left", strconv.Itoa(a.RecoveryCodesLeft)},
		{"person.reactivation", when(a.ReactivationExpires)},
	})
	pdf.SetFont("sans", "", 8.5)
	pdf.SetTextColor(70, 70, 70)
	pdf.MultiCell(0, 4.5, msg("person.no_secrets", nil), "", "L", false)
	pdf.SetTextColor(0, 0, 0)

	section("person.journal")
	pdf.SetFont("sans", "", 9)
	pdf.CellFormat(0, 5, msg("person.journal_count", map[string]any{"Count": len(x.Rows)}), "", 1, "L", false, 0, "")
	pdf.Ln(1)
	journalTable(pdf, language, x.Rows)
	return output(pdf, w)
}

// resetText is a reset not yet shown to her: by whom and when, "—" when
// none.
func resetText(language string, a apetitspas.PersonAccount) string {
	if a.MFAResetBy == "" && a.MFAResetAt.IsZero() {
		return "—"
	}
	return assets.Message(language, "person.reset_by", map[string]any{"By": a.MFAResetBy,
		"When": assets.FormatDateTime(language, a.MFAResetAt)})
}

// journalTable draws the rows: when, what, by whom, to whom, details;
// a row's cells wrap and a row never splits across pages.
func journalTable(pdf *fpdf.Fpdf, language string, rows []apetitspas.AuditEvent) {
	header := []string{
		assets.Message(language, "person.col_when", nil),
		assets.Message(language, "person.col_event", nil),
		assets.Message(language, "person.col_actor", nil),
		assets.Message(language, "person.col_target", nil),
		assets.Message(language, "person.col_details", nil),
	}
	widths := []float64{26, 38, 36, 36, 0}
	widths[4] = 215.9 - 30 - (widths[0] + widths[1] + widths[2] + widths[3])
	const line = 4.0
	drawHeader := func() {
		pdf.SetFont("sans", "B", 8)
		pdf.SetFillColor(230, 236, 242)
		for i, h := range header {
			pdf.CellFormat(widths[i], 6, fit(pdf, h, widths[i]-2), "1", 0, "L", true, 0, "")
		}
		pdf.Ln(-1)
		pdf.SetFont("sans", "", 7.5)
	}
	start := pdf.PageNo()
	pdf.SetHeaderFuncMode(func() {
		if pdf.PageNo() > start {
			drawHeader()
		}
	}, true)
	drawHeader()
	if len(rows) == 0 {
		pdf.CellFormat(0, 6, assets.Message(language, "person.journal_empty", nil), "1", 1, "L", false, 0, "")
		return
	}
	_, pageH := pdf.GetPageSize()
	for i, e := range rows {
		label := EventLabel(language, e.Event)
		if label == "" {
			label = e.Event
		} else {
			label += " (" + e.Event + ")"
		}
		cells := []string{assets.FormatDateTime(language, e.Time), label, who(e.ActorName, e.Actor),
			who(e.TargetName, e.Target), details(e)}
		lines := make([][]string, len(cells))
		n := 1
		for j, c := range cells {
			lines[j] = pdf.SplitText(c, widths[j]-2)
			if len(lines[j]) == 0 {
				lines[j] = []string{""}
			}
			n = max(n, len(lines[j]))
		}
		h := float64(n)*line + 1.5
		if pdf.GetY()+h > pageH-18 {
			pdf.AddPage()
		}
		if i%2 == 1 {
			pdf.SetFillColor(245, 247, 250)
		} else {
			pdf.SetFillColor(255, 255, 255)
		}
		x, y := pdf.GetX(), pdf.GetY()
		for j := range cells {
			pdf.Rect(x, y, widths[j], h, "FD")
			for k, l := range lines[j] {
				pdf.SetXY(x+1, y+0.75+float64(k)*line)
				pdf.CellFormat(widths[j]-2, line, l, "", 0, "L", false, 0, "")
			}
			x += widths[j]
		}
		pdf.SetXY(15, y+h)
	}
}

// who is a person as the journal names her: « Julie Tremblay
// (julie@cpe.ca) », the e-mail alone when the account is gone, "—" for
// the system.
func who(name, email string) string {
	switch {
	case email == "":
		return "—"
	case name == "":
		return email
	}
	return name + " (" + email + ")"
}

// details is a row's fields « key : value », one a line, or its detail
// when it has none.
func details(e apetitspas.AuditEvent) string {
	if len(e.Fields) == 0 {
		return e.Detail
	}
	parts := make([]string, 0, len(e.Fields))
	for _, f := range e.Fields {
		parts = append(parts, f.Key+" : "+f.Value)
	}
	return strings.Join(parts, "\n")
}
