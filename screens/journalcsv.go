package screens

import (
	"bufio"
	"encoding/csv"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// writeJournalCSV writes events for a spreadsheet: UTF-8 with a byte-order
// mark (so Excel reads the accents), semicolons between columns (so
// Excel in French Canada opens it in columns), CRLF line ends, a header
// line in the app's language. The columns are the technicians' (time in
// RFC 3339, event code, actor, target, detail) and then the event in
// words. A value that a spreadsheet would take for a formula is prefixed
// with an apostrophe.
func writeJournalCSV(w io.Writer, events []apetitspas.AuditEvent) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = true
	header := []string{
		lang.X("journal.csv.time", "Date et heure"),
		lang.X("journal.csv.event", "Code de l'événement"),
		lang.X("journal.csv.actor", "Qui"),
		lang.X("journal.csv.target", "À qui"),
		lang.X("journal.csv.detail", "Détail technique"),
		lang.X("journal.csv.sentence", "Description"),
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, e := range events {
		rec := []string{e.Time.Local().Format(time.RFC3339), csvCell(e.Event), csvCell(e.Actor), csvCell(e.Target),
			csvCell(e.Detail), csvCell(sentenceOf(e))}
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

// csvCell defuses values a spreadsheet would run as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
