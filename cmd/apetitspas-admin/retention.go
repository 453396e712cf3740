package main

import (
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

// Sécurité → « Conservation des renseignements » for the technician: the
// same service calls as the window, so the same rules (administrators
// only; a changed delay and every erasure are strong actions; each
// erasure is checked again by the service).

// retentionJSON is "retention show --json" (a public interface).
type retentionJSON struct {
	DisabledMonths int                   `json:"disabled_months"`
	JournalYears   int                   `json:"journal_years"`
	Disabled       []disabledAccountJSON `json:"disabled"`
}

type disabledAccountJSON struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
	Since string `json:"since"`
}

// erasedJSON is one account of "retention erase --json".
type erasedJSON struct {
	Email  string `json:"email"`
	Person int64  `json:"person,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// retention signs in as by and reads the settings and the accounts past
// the delay; done is nil when it failed (exit says how).
func (c *cli) retention(by string) (api apetitspas.API, h *apetitspas.Handle, cr credentials, r apetitspas.Retention, done func(), exit int) {
	api, h, cr, done, exit = c.signInFromStdin(by)
	if h == nil {
		return nil, nil, cr, r, nil, exit
	}
	r, err := api.Retention(c.ctx(), h)
	if err != nil {
		done()
		return nil, nil, cr, r, nil, c.fail(err)
	}
	return api, h, cr, r, done, exitOK
}

// retentionShow: retention show [--json] --by ADMIN.
func (c *cli) retentionShow(args []string) int {
	var by string
	var asJSON bool
	if !c.flags("retention show", args, func(fs *flag.FlagSet) {
		fs.StringVar(&by, "by", "", "")
		fs.BoolVar(&asJSON, "json", false, "")
	}) {
		return exitUsage
	}
	if by == "" {
		return c.usageError("retention show: --by ADMIN est requis / is required")
	}
	_, _, _, r, done, exit := c.retention(by)
	if done == nil {
		return exit
	}
	defer done()
	if asJSON {
		out := retentionJSON{DisabledMonths: r.DisabledMonths, JournalYears: r.JournalYears, Disabled: []disabledAccountJSON{}}
		for _, d := range r.Disabled {
			out.Disabled = append(out.Disabled, disabledAccountJSON{Email: d.Email, Name: d.Name, Role: string(d.Role), Since: rfc3339(d.Since)})
		}
		return c.writeJSON(out)
	}
	c.say("cli.retention_settings", map[string]any{"Months": r.DisabledMonths, "Years": r.JournalYears})
	if len(r.Disabled) == 0 {
		c.say("cli.retention_none", map[string]any{"Months": r.DisabledMonths})
		return exitOK
	}
	c.say("cli.retention_listed", map[string]any{"Months": r.DisabledMonths, "Count": len(r.Disabled)})
	tw := tabwriter.NewWriter(c.stdout, 2, 4, 2, ' ', 0)
	for _, d := range r.Disabled {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", safe(d.Email), safe(d.Name), safe(assets.Message(c.language, "role."+string(d.Role), nil)),
			safe(assets.FormatDate(c.language, d.Since.Local())))
	}
	tw.Flush()
	return exitOK
}

// retentionSet: retention set [--disabled-months N] [--journal-years N]
// --by ADMIN; a value not given keeps the one in force.
func (c *cli) retentionSet(args []string) int {
	var by string
	var months, years int
	fs, ok := c.flagSet("retention set", args, func(fs *flag.FlagSet) {
		fs.StringVar(&by, "by", "", "")
		fs.IntVar(&months, "disabled-months", 0, "")
		fs.IntVar(&years, "journal-years", 0, "")
	})
	if !ok {
		return exitUsage
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if by == "" || (!set["disabled-months"] && !set["journal-years"]) {
		return c.usageError(c.text("cli.retention_set_usage", nil))
	}
	api, h, _, r, done, exit := c.retention(by)
	if done == nil {
		return exit
	}
	defer done()
	if !set["disabled-months"] {
		months = r.DisabledMonths
	}
	if !set["journal-years"] {
		years = r.JournalYears
	}
	if err := api.SetRetention(c.ctx(), h, months, years, ""); err != nil {
		return c.fail(err)
	}
	c.say("cli.retention_settings", map[string]any{"Months": months, "Years": years})
	return exitOK
}

// retentionErase: retention erase (--all | --email E [--email E …])
// [--json] --by ADMIN: the accounts past the delay, each erased as
// « users erase » would and checked again by the service; one refused
// does not stop the others (exit 1 when any was).
func (c *cli) retentionErase(args []string) int {
	var by string
	var all, asJSON bool
	var emails []string
	if !c.flags("retention erase", args, func(fs *flag.FlagSet) {
		fs.StringVar(&by, "by", "", "")
		fs.BoolVar(&all, "all", false, "")
		fs.BoolVar(&asJSON, "json", false, "")
		fs.Func("email", "", func(s string) error { emails = append(emails, s); return nil })
	}) {
		return exitUsage
	}
	if by == "" || all == (len(emails) > 0) {
		return c.usageError(c.text("cli.retention_erase_usage", nil))
	}
	api, h, cr, r, done, exit := c.retention(by)
	if done == nil {
		return exit
	}
	defer done()
	if all {
		for _, d := range r.Disabled {
			emails = append(emails, d.Email)
		}
		if len(emails) == 0 {
			c.say("cli.retention_none", map[string]any{"Months": r.DisabledMonths})
			return exitOK
		}
	}
	got, err := api.EraseDisabled(c.ctx(), h, emails, cr.password, "")
	if err != nil {
		return c.fail(err)
	}
	exit = exitOK
	out := make([]erasedJSON, 0, len(got))
	for _, e := range got {
		out = append(out, erasedJSON{Email: e.Email, Person: e.Person, Reason: e.Reason})
		if e.Reason != "" {
			exit = exitRefused
		}
	}
	if asJSON {
		c.writeJSON(out)
		return exit
	}
	for _, e := range got {
		if e.Reason == "" {
			c.say("cli.user_erased", map[string]any{"Email": e.Email, "Person": e.Person})
			continue
		}
		why := c.message(&apetitspas.Error{Code: apetitspas.EFORBIDDEN, Reason: e.Reason})
		fmt.Fprintln(c.stderr, "apetitspas-admin:", safe(e.Email)+" — "+strings.TrimSpace(why))
	}
	return exit
}
