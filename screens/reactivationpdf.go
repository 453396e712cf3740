package screens

import (
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"fyne.io/fyne/v2/lang"
)

// reactivationSheet is what the printed page of a reactivation code says.
type reactivationSheet struct {
	daycare string
	name    string
	email   string
	code    string // grouped: XXXXX-XXXXX
	expires time.Time
	made    time.Time
}

// writeReactivationPDF writes the one-page sheet an administrator prints
// (or saves as PDF) to hand a reactivation code over in person. The text
// is in the screens' language; the core fonts speak Windows-1252, which
// holds French (accents, « »).
func writeReactivationPDF(w io.Writer, s reactivationSheet) error {
	pdf := fpdf.New("P", "mm", "Letter", "")
	pdf.SetCompression(false) // one small page; its text stays searchable
	pdf.SetCreationDate(s.made)
	pdf.SetModificationDate(s.made)
	pdf.SetTitle(lang.X("reactivation.pdf_title", "Code de réactivation"), true)
	pdf.SetCreator("À petits pas", true)
	pdf.SetMargins(25, 25, 25)
	pdf.SetAutoPageBreak(false, 20)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252
	pdf.AddPage()
	width, _ := pdf.GetPageSize()
	text := width - 50

	pdf.SetFont("Helvetica", "", 11)
	pdf.SetTextColor(90, 90, 90)
	pdf.CellFormat(text, 6, tr("À petits pas — "+s.daycare), "", 1, "L", false, 0, "")
	pdf.Ln(8)
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont("Helvetica", "B", 20)
	pdf.CellFormat(text, 10, tr(lang.X("reactivation.pdf_title", "Code de réactivation")), "", 1, "L", false, 0, "")
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "", 12)
	pdf.MultiCell(text, 6, tr(lang.X("reactivation.pdf_for", "Pour : {{.Name}} ({{.Email}})",
		map[string]any{"Name": s.name, "Email": s.email})), "", "L", false)
	pdf.Ln(10)

	pdf.SetFont("Courier", "B", 36)
	pdf.SetDrawColor(60, 60, 60)
	pdf.SetLineWidth(0.6)
	pdf.CellFormat(text, 24, s.code, "1", 1, "C", false, 0, "")
	pdf.Ln(6)
	pdf.SetFont("Helvetica", "B", 12)
	pdf.MultiCell(text, 6, tr(lang.X("reactivation.valid_until", "Valide une seule fois, jusqu'au {{.Expires}}.",
		map[string]any{"Expires": formatDateTime(s.expires)})), "", "L", false)
	pdf.Ln(6)
	pdf.SetFont("Helvetica", "", 12)
	for _, p := range []string{
		lang.X("reactivation.pdf_steps", "À votre prochaine connexion à À petits pas, entrez votre courriel et votre mot de passe, puis ce code de réactivation. Vous scannerez ensuite un nouveau code QR avec votre téléphone."),
		lang.X("reactivation.pdf_keep", "Gardez cette feuille pour vous seulement et détruisez-la une fois votre téléphone configuré. Le code ne sert qu'une fois ; s'il a expiré, demandez-en un nouveau en personne à un administrateur."),
	} {
		pdf.MultiCell(text, 6, tr(p), "", "L", false)
		pdf.Ln(4)
	}
	pdf.SetY(-30)
	pdf.SetFont("Helvetica", "", 9)
	pdf.SetTextColor(90, 90, 90)
	pdf.CellFormat(text, 5, tr(lang.X("reactivation.pdf_made", "Remis le {{.Made}}", map[string]any{"Made": formatDateTime(s.made)})), "", 1, "L", false, 0, "")
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("reactivation sheet: %w", err)
	}
	return nil
}
