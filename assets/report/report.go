// Package report writes what the board and the administrators print: the
// MFA report (PDF and CSV) and an administrator's recovery codes (PDF).
// The window and the tool both use it; it imports no Fyne (the tool does
// not), so the fonts it embeds are its own copies of those Fyne ships
// (Noto Sans, SIL Open Font License; DejaVu Sans Mono, its licence; see
// fonts/).
package report

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

var (
	//go:embed fonts/NotoSans-Regular.ttf
	sansRegular []byte
	//go:embed fonts/NotoSans-Bold.ttf
	sansBold []byte
	//go:embed fonts/DejaVuSansMono-Powerline.ttf
	mono []byte
)

// StateWord is a report state in words, as the Utilisateurs page says it
// (« Activée », « Imposée, en attente »…).
func StateWord(language string, s apetitspas.ReportState) string {
	switch s {
	case apetitspas.ReportOn:
		return assets.Message(language, "report.state_on", nil)
	case apetitspas.ReportImposed:
		return assets.Message(language, "report.state_imposed", nil)
	case apetitspas.ReportReset:
		return assets.Message(language, "report.state_reset", nil)
	case apetitspas.ReportRequested:
		return assets.Message(language, "report.state_requested", nil)
	case apetitspas.ReportOff:
		return assets.Message(language, "report.state_off", nil)
	}
	return string(s)
}

// RoleWord is a role in words (« Employé », « Administrateur »).
func RoleWord(language string, r apetitspas.Role) string {
	switch r {
	case apetitspas.RoleAdmin:
		return assets.Message(language, "users.role_admin", nil)
	case apetitspas.RoleEmployee:
		return assets.Message(language, "users.role_employee", nil)
	case apetitspas.RoleParent:
		return assets.Message(language, "users.role_parent", nil)
	}
	return string(r)
}

// StateCell is the state of a row with, for a disabled account, that it
// is (« Activée (compte désactivé) »).
func StateCell(language string, row apetitspas.MFAReportRow) string {
	s := StateWord(language, row.State)
	if row.Disabled {
		s = assets.Message(language, "report.disabled", map[string]any{"State": s})
	}
	return s
}

// Header is the report's column titles, in order.
func Header(language string) []string {
	return []string{
		assets.Message(language, "report.col_name", nil),
		assets.Message(language, "report.col_email", nil),
		assets.Message(language, "report.col_role", nil),
		assets.Message(language, "report.col_state", nil),
		assets.Message(language, "report.col_since", nil),
		assets.Message(language, "report.col_due", nil),
		assets.Message(language, "report.col_last", nil),
	}
}

// Cells is a row as the window's table and the PDF show it (dates in
// words, "—" when there is none).
func Cells(language string, row apetitspas.MFAReportRow) []string {
	date := func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return assets.FormatDate(language, t)
	}
	last := "—"
	if !row.LastSignIn.IsZero() {
		last = assets.FormatDateTime(language, row.LastSignIn)
	}
	return []string{row.Name, row.Email, RoleWord(language, row.Role), StateCell(language, row),
		date(row.Since), date(row.Due), last}
}

// Summary is the report's counts in a sentence (« 12 personnes : 8
// activée, 3 imposée, en attente, 1 désactivée »).
func Summary(language string, r apetitspas.MFAReport) string {
	counts := map[apetitspas.ReportState]int{}
	for _, row := range r.Rows {
		counts[row.State]++
	}
	var parts []string
	for _, s := range []apetitspas.ReportState{apetitspas.ReportOn, apetitspas.ReportImposed,
		apetitspas.ReportReset, apetitspas.ReportRequested, apetitspas.ReportOff} {
		if counts[s] > 0 {
			parts = append(parts, assets.Message(language, "report.count", map[string]any{"State": StateWord(language, s), "Count": counts[s]}))
		}
	}
	return assets.Message(language, "report.summary", map[string]any{"Count": len(r.Rows), "States": strings.Join(parts, " · ")})
}

// WriteCSV writes the report for a spreadsheet like the Journal's CSV:
// UTF-8 with a byte-order mark, semicolons, CRLF, a header line in the
// language, times as Excel in fr-CA and en-CA reads them ("2026-12-03
// 16:59:00", local time), states and roles in words, and the state's code
// for whoever sorts by it. Cells a spreadsheet would run as formulas are
// prefixed with an apostrophe.
func WriteCSV(w io.Writer, language string, r apetitspas.MFAReport) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = true
	header := append(Header(language), assets.Message(language, "report.col_disabled", nil),
		assets.Message(language, "report.col_code", nil))
	if err := cw.Write(header); err != nil {
		return err
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return assets.SpreadsheetTime(t)
	}
	yes, no := assets.Message(language, "report.yes", nil), assets.Message(language, "report.no", nil)
	for _, row := range r.Rows {
		disabled := no
		if row.Disabled {
			disabled = yes
		}
		rec := []string{cell(row.Name), cell(row.Email), RoleWord(language, row.Role), StateWord(language, row.State),
			when(row.Since), when(row.Due), when(row.LastSignIn), disabled, cell(string(row.State))}
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

// cell defuses values a spreadsheet would run as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// newPDF is a Letter page with the embedded fonts, the document's dates
// fixed to made (the same report gives the same bytes) and « Page 1 de 3 »
// at the foot of each page.
func newPDF(language, title string, made time.Time, orientation string) *fpdf.Fpdf {
	pdf := fpdf.New(orientation, "mm", "Letter", "")
	pdf.AddUTF8FontFromBytes("sans", "", sansRegular)
	pdf.AddUTF8FontFromBytes("sans", "B", sansBold)
	pdf.AddUTF8FontFromBytes("mono", "", mono)
	pdf.SetTitle(title, true)
	pdf.SetCreator("À petits pas", true)
	pdf.SetCreationDate(made)
	pdf.SetModificationDate(made)
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(true, 18)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-13)
		pdf.SetFont("sans", "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 5, assets.Message(language, "report.page", map[string]any{"Page": pdf.PageNo(), "Pages": "{nb}"}),
			"", 0, "C", false, 0, "")
	})
	return pdf
}

// fit cuts s with an ellipsis so that it holds in width w at the current
// font.
func fit(pdf *fpdf.Fpdf, s string, w float64) string {
	if pdf.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && pdf.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// WritePDF writes the report as a PDF to print: Letter, landscape (seven
// columns), the daycare's name, when it was made, the counts, a table
// whose header repeats on every page, « Page 1 de 3 ».
func WritePDF(w io.Writer, language string, r apetitspas.MFAReport) error {
	title := assets.Message(language, "report.title", nil)
	pdf := newPDF(language, title, r.Made, "L")
	widths := []float64{42, 52, 25, 56, 22, 22, 0}
	widths[6] = 279.4 - 30 - (widths[0] + widths[1] + widths[2] + widths[3] + widths[4] + widths[5])
	header := Header(language)
	drawHeader := func() {
		pdf.SetFont("sans", "B", 8)
		pdf.SetFillColor(230, 236, 242)
		pdf.SetTextColor(0, 0, 0)
		for i, h := range header {
			pdf.CellFormat(widths[i], 7, fit(pdf, h, widths[i]-2), "1", 0, "L", true, 0, "")
		}
		pdf.Ln(-1)
		pdf.SetFont("sans", "", 8)
	}
	pdf.SetHeaderFuncMode(func() {
		if pdf.PageNo() > 1 {
			drawHeader()
		}
	}, true)
	pdf.AddPage()
	pdf.SetFont("sans", "B", 16)
	pdf.CellFormat(0, 8, title, "", 1, "L", false, 0, "")
	pdf.SetFont("sans", "", 11)
	pdf.CellFormat(0, 6, r.Daycare, "", 1, "L", false, 0, "")
	pdf.SetFont("sans", "", 9)
	pdf.SetTextColor(70, 70, 70)
	pdf.CellFormat(0, 5, assets.Message(language, "report.made", map[string]any{"When": assets.FormatDateTime(language, r.Made)}),
		"", 1, "L", false, 0, "")
	pdf.MultiCell(0, 5, Summary(language, r), "", "L", false)
	pdf.Ln(3)
	drawHeader()
	for i, row := range r.Rows {
		if i%2 == 1 {
			pdf.SetFillColor(245, 247, 250)
		} else {
			pdf.SetFillColor(255, 255, 255)
		}
		for j, c := range Cells(language, row) {
			pdf.CellFormat(widths[j], 6, fit(pdf, c, widths[j]-2), "1", 0, "L", true, 0, "")
		}
		pdf.Ln(-1)
	}
	if len(r.Rows) == 0 {
		pdf.CellFormat(0, 7, assets.Message(language, "report.empty", nil), "1", 1, "L", false, 0, "")
	}
	return output(pdf, w)
}

// RecoverySheet is what the recovery codes' PDF shows.
type RecoverySheet struct {
	Daycare string
	Name    string
	Email   string
	Made    time.Time
	Codes   []string
}

// WriteRecoveryPDF writes an administrator's recovery codes on one Letter
// page to print: whose they are, the daycare, the date, the codes large in
// a monospace font, and how to keep them.
func WriteRecoveryPDF(w io.Writer, language string, s RecoverySheet) error {
	title := assets.Message(language, "report.codes_title", nil)
	pdf := newPDF(language, title, s.Made, "P")
	pdf.SetAutoPageBreak(false, 18)
	pdf.AddPage()
	pdf.SetFont("sans", "B", 18)
	pdf.CellFormat(0, 10, title, "", 1, "L", false, 0, "")
	pdf.SetFont("sans", "", 12)
	who := s.Name
	if s.Email != "" {
		who += " <" + s.Email + ">"
	}
	pdf.CellFormat(0, 7, who, "", 1, "L", false, 0, "")
	pdf.CellFormat(0, 7, s.Daycare, "", 1, "L", false, 0, "")
	pdf.SetFont("sans", "", 10)
	pdf.SetTextColor(70, 70, 70)
	pdf.CellFormat(0, 6, assets.Message(language, "report.made", map[string]any{"When": assets.FormatDateTime(language, s.Made)}),
		"", 1, "L", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
	pdf.Ln(6)
	pdf.SetFont("mono", "", 20)
	left := 30.0
	for i, c := range s.Codes {
		pdf.SetX(left)
		pdf.CellFormat(14, 11, fmt.Sprintf("%d.", i+1), "", 0, "R", false, 0, "")
		pdf.CellFormat(120, 11, "  "+c, "", 1, "L", false, 0, "")
	}
	pdf.Ln(8)
	pdf.SetFont("sans", "B", 11)
	pdf.CellFormat(0, 7, assets.Message(language, "report.codes_keep_title", nil), "", 1, "L", false, 0, "")
	pdf.SetFont("sans", "", 10.5)
	pdf.MultiCell(0, 5.5, assets.Message(language, "report.codes_keep", nil), "", "L", false)
	return output(pdf, w)
}

func output(pdf *fpdf.Fpdf, w io.Writer) error {
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return fmt.Errorf("report: PDF: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
