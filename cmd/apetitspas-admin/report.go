package main

import (
	"flag"
	"io"
	"path/filepath"
	"strings"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets/report"
)

// reportMFA is "report mfa --out FILE --by ADMIN": the MFA report for the
// board, in the format of the file's extension (.pdf or .csv), written
// in the tool's language, readable by its owner only, and journaled by
// the service (report.mfa_exported).
func (c *cli) reportMFA(args []string) int {
	var out, by string
	if !c.flags("report mfa", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "")
		fs.StringVar(&by, "by", "", "")
	}) {
		return exitUsage
	}
	if out == "" || by == "" {
		return c.usageError(c.text("cli.report_usage", nil))
	}
	var format string
	switch strings.ToLower(filepath.Ext(out)) {
	case ".pdf":
		format = apetitspas.ReportPDF
	case ".csv":
		format = apetitspas.ReportCSV
	default:
		return c.usageError(c.text("cli.report_out", nil))
	}
	api, h, _, done, exit := c.signInFromStdin(by)
	if h == nil {
		return exit
	}
	defer done()
	ctx := c.ctx()
	r, err := api.MFAReport(ctx, h)
	if err != nil {
		return c.fail(err)
	}
	err = apetitspas.WritePrivateFile(out, func(w io.Writer) error {
		if format == apetitspas.ReportPDF {
			return report.WritePDF(w, c.language, r)
		}
		return report.WriteCSV(w, c.language, r)
	})
	if err != nil {
		return c.fail(err)
	}
	if err := api.MFAReportSaved(ctx, h, format, len(r.Rows)); err != nil {
		return c.fail(err)
	}
	c.say("cli.report_saved", map[string]any{"File": out, "Count": len(r.Rows)})
	return exitOK
}
