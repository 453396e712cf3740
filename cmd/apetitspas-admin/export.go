package main

import (
	"flag"
	"io"
	"path/filepath"
	"strings"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets/report"
)

// exportJSON is "users export --json" (a public interface): what was
// written, not the data itself (it is in the files).
type exportJSON struct {
	Email string `json:"email"`
	// Files are the files written, one per format.
	Files []exportFileJSON `json:"files"`
	// JournalRows is how many journal rows the export holds.
	JournalRows int    `json:"journal_rows"`
	MadeAt      string `json:"made_at"`
	MadeBy      string `json:"made_by"`
}

type exportFileJSON struct {
	// Format: "json" or "pdf".
	Format string `json:"format"`
	Path   string `json:"path"`
}

// exportFiles are the files "users export --out OUT" writes: OUT alone in
// the format of its extension (.json or .pdf), or OUT.json and OUT.pdf
// when it has none; ok is false for another extension.
func exportFiles(out string) (files []exportFileJSON, ok bool) {
	switch strings.ToLower(filepath.Ext(out)) {
	case ".json":
		return []exportFileJSON{{apetitspas.ExportJSON, out}}, true
	case ".pdf":
		return []exportFileJSON{{apetitspas.ReportPDF, out}}, true
	case "":
		if strings.HasSuffix(out, string(filepath.Separator)) || strings.HasSuffix(out, "/") || filepath.Base(out) == "." {
			return nil, false
		}
		return []exportFileJSON{{apetitspas.ExportJSON, out + ".json"}, {apetitspas.ReportPDF, out + ".pdf"}}, true
	}
	return nil, false
}

// usersExport is "users export --email E --out FILE --by ADMIN [--json]":
// a person's data (her account, its MFA, the journal's rows about her),
// as JSON and as a PDF in the tool's language, each file readable by its
// owner only. The service journals the export (user.exported) before it
// hands the data over.
func (c *cli) usersExport(args []string) int {
	var email, out, by string
	var asJSON bool
	if !c.flags("users export", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "")
		fs.StringVar(&out, "out", "", "")
		fs.StringVar(&by, "by", "", "")
		fs.BoolVar(&asJSON, "json", false, "")
	}) {
		return exitUsage
	}
	if email == "" || out == "" || by == "" {
		return c.usageError(c.text("cli.export_usage", nil))
	}
	files, ok := exportFiles(out)
	if !ok {
		return c.usageError(c.text("cli.export_out", nil))
	}
	// The service checks it again; checking it first spares the code.
	if _, err := apetitspas.ValidateEmail(email); err != nil {
		return c.fail(err)
	}
	api, h, _, done, exit := c.signInFromStdin(by)
	if h == nil {
		return exit
	}
	defer done()
	exp, ok := api.(apetitspas.PersonExporter)
	if !ok {
		return c.fail(&apetitspas.Error{Code: apetitspas.EUNAVAILABLE, Reason: apetitspas.ReasonServiceVersion})
	}
	formats := make([]string, len(files))
	for i, f := range files {
		formats[i] = f.Format
	}
	var x report.PersonExport
	d, err := exp.ExportPerson(c.ctx(), h, email, formats, func(page []apetitspas.AuditEvent) error {
		x.Rows = append(x.Rows, page...)
		return nil
	})
	if err != nil {
		return c.fail(err)
	}
	x.Data = d
	for _, f := range files {
		err := apetitspas.WritePrivateFile(f.Path, func(w io.Writer) error {
			if f.Format == apetitspas.ExportJSON {
				return report.WritePersonJSON(w, x)
			}
			return report.WritePersonPDF(w, c.language, x)
		})
		if err != nil {
			return c.fail(err)
		}
	}
	if asJSON {
		return c.writeJSON(exportJSON{Email: x.Data.Account.Email, Files: files, JournalRows: len(x.Rows),
			MadeAt: rfc3339(x.Data.Made), MadeBy: x.Data.By})
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.Path
	}
	c.say("cli.export_saved", map[string]any{"Email": x.Data.Account.Email, "Files": strings.Join(paths, ", "),
		"Count": len(x.Rows)})
	return exitOK
}
