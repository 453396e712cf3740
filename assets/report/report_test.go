package report

import (
	"bytes"
	"compress/zlib"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// TestMain reads the times in Québec's zone, whatever the machine's.
func TestMain(m *testing.M) {
	if loc, err := time.LoadLocation("America/Toronto"); err == nil {
		time.Local = loc
	}
	os.Exit(m.Run())
}

var made = time.Date(2026, 12, 3, 21, 59, 0, 0, time.UTC)

func sample(n int) apetitspas.MFAReport {
	r := apetitspas.MFAReport{Daycare: "CPE Les Petits Pas d'Hélène", Made: made}
	rows := []apetitspas.MFAReportRow{
		{Name: "Émilie Bélanger", Email: "emilie@cpe.test", Role: apetitspas.RoleAdmin, State: apetitspas.ReportOn,
			Since: made.Add(-48 * time.Hour), LastSignIn: made.Add(-time.Hour)},
		{Name: "François Côté", Email: "francois@cpe.test", Role: apetitspas.RoleEmployee, State: apetitspas.ReportImposed,
			Since: made.Add(-24 * time.Hour), Due: made.Add(13 * 24 * time.Hour)},
		{Name: "=Zoé Gagnon", Email: "zoe@cpe.test", Role: apetitspas.RoleEmployee, State: apetitspas.ReportOff,
			Since: made.Add(-72 * time.Hour), Disabled: true},
	}
	for i := 0; i < n; i++ {
		r.Rows = append(r.Rows, rows[i%len(rows)])
	}
	return r
}

func TestTheCSVIsWhatASpreadsheetInFrenchCanadaReads(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, "fr", sample(3)); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "mfa-report.csv")
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Fatalf("CSV differs from %s:\n%s", golden, b.String())
	}
	for _, must := range []string{"\uFEFFNom;Courriel;", "\r\n", "2026-12-03 15:59:00", "'=Zoé Gagnon", "Imposée, en attente"} {
		if !strings.Contains(b.String(), must) {
			t.Errorf("CSV lacks %q", must)
		}
	}
}

// pageObj is a page object of a PDF (not the /Pages tree).
var pageObj = regexp.MustCompile(`/Type /Page\b[^s]`)

func checkPDF(t *testing.T, b []byte, pages int) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b[len(b)-32:], []byte("%%EOF")) {
		t.Fatalf("not a PDF: %q…", b[:min(len(b), 16)])
	}
	if n := len(pageObj.FindAll(b, -1)); n != pages {
		t.Fatalf("%d pages, want %d", n, pages)
	}
	if !bytes.Contains(b, []byte("/Count "+strconv.Itoa(pages))) {
		t.Fatalf("page tree does not count %d pages", pages)
	}
}

func TestThePDFHasLetterPagesNumberedAndAccentsRoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := WritePDF(&b, "fr", sample(70)); err != nil {
		t.Fatal(err)
	}
	checkPDF(t, b.Bytes(), 3)
	// Letter, landscape: 279.4 × 215.9 mm = 792 × 612 pt.
	if !bytes.Contains(b.Bytes(), []byte("/MediaBox [0 0 792.00 612.00]")) {
		t.Errorf("not Letter landscape")
	}
	// The text drawn, read back from the pages' content: accents and page numbers.
	text := pdfText(t, b.Bytes())
	for _, want := range []string{"CPE Les Petits Pas d'Hélène", "Émilie Bélanger", "François Côté", "Imposée, en attente",
		"Page 1 de 3", "Page 3 de 3", "Échéance", "Dernière connexion",
		"Désactivée (compte désactivé)", "Administrateur", "3\u00a0déc.\u00a02026, 15\u00a0h\u00a059", "16\u00a0déc.\u00a02026"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if os.Getenv("REPORT_PDF_OUT") != "" {
		_ = os.WriteFile(os.Getenv("REPORT_PDF_OUT"), b.Bytes(), 0o644)
	}
}

// pdfText is the text of a PDF's page contents as fpdf draws it with a
// UTF-8 font: each (…)Tj string in UTF-16BE, in its compressed streams.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	var out strings.Builder
	for _, m := range streamRE.FindAllSubmatch(b, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue
		}
		content, err := io.ReadAll(zr)
		if err != nil {
			continue
		}
		for _, s := range tjRE.FindAllSubmatch(content, -1) {
			raw := pdfUnescape(s[1])
			u := make([]uint16, len(raw)/2)
			for i := range u {
				u[i] = uint16(raw[2*i])<<8 | uint16(raw[2*i+1])
			}
			out.WriteString(string(utf16.Decode(u)))
			out.WriteString("\n")
		}
	}
	return out.String()
}

var (
	streamRE = regexp.MustCompile(`(?s)stream\n(.*?)\nendstream`)
	tjRE     = regexp.MustCompile(`(?s)\(((?:\\.|[^\\)])*)\)\s*Tj`)
)

func pdfUnescape(s []byte) []byte {
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			default:
				out = append(out, s[i])
			}
			continue
		}
		out = append(out, s[i])
	}
	return out
}

func TestTheRecoveryCodesFitOnePage(t *testing.T) {
	codes := make([]string, 10)
	for i := range codes {
		codes[i] = "ABCD-EFGH-JKMN-PQRS"
	}
	var b bytes.Buffer
	if err := WriteRecoveryPDF(&b, "en", RecoverySheet{Daycare: "CPE Hélène", Name: "Émilie Bélanger",
		Email: "emilie@cpe.test", Made: made, Codes: codes}); err != nil {
		t.Fatal(err)
	}
	checkPDF(t, b.Bytes(), 1)
	if !bytes.Contains(b.Bytes(), []byte("/MediaBox [0 0 612.00 792.00]")) {
		t.Errorf("not Letter portrait")
	}
	if os.Getenv("REPORT_PDF_OUT") != "" {
		_ = os.WriteFile(os.Getenv("REPORT_PDF_OUT")+".codes.pdf", b.Bytes(), 0o644)
	}
}
