package screens

import (
	"bufio"
	"encoding/csv"
	"io"
	"strings"

	"fyne.io/fyne/v2/lang"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

// writeJournalCSV writes events for a spreadsheet: UTF-8 with a byte-order
// mark (so Excel reads the accents), semicolons between columns (so
// Excel in French Canada opens it in columns), CRLF line ends, a header
// line in the app's language. The columns: the time as a spreadsheet reads
// it as a date and time in fr-CA as in en-CA ("2026-12-03 16:59:00", local
// time), the event's code, who, whom, the event's details in words (the
// detail pane's fields, in the app's language) and the event as a
// sentence. Without technical (privacy by default, issue 18) the event's
// code and details columns are left out. A value that a spreadsheet would
// take for a formula is prefixed with an apostrophe.
func writeJournalCSV(w io.Writer, events []apetitspas.AuditEvent, technical bool) error {
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
		lang.X("journal.csv.detail", "Détails"),
		lang.X("journal.csv.sentence", "Description"),
	}
	if !technical {
		header = []string{header[0], header[2], header[3], header[5]}
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, e := range events {
		rec := []string{assets.SpreadsheetTime(e.Time), csvCell(e.Event), csvCell(e.Actor), csvCell(e.Target),
			csvCell(detailInWords(e)), csvCell(sentenceOf(e))}
		if !technical {
			rec = []string{rec[0], rec[2], rec[3], rec[5]}
		}
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

// detailInWords is the event's fields as the detail pane shows them
// (« Raison : … ; Jusqu'au : 3 déc. 2026, 16 h 59 »), without the time and
// the people, which have their columns.
func detailInWords(e apetitspas.AuditEvent) string {
	var parts []string
	for _, f := range fieldLines(e) {
		parts = append(parts, f.label+lang.X("journal.csv.colon", "\u00a0: ")+f.value)
	}
	return strings.Join(parts, " ; ")
}

// csvCell defuses values a spreadsheet would run as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
