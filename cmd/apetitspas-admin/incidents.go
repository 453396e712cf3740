package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
	"github.com/apetitspas/apetitspas/assets/report"
)

// The register of confidentiality incidents (Sécurité → « Registre des
// incidents de confidentialité ») for the technician: the same service
// calls as the window, so the same rules (administrators only, every
// change journaled by construction).

// incidentJSON is one entry of "incidents list --json" and "incidents
// record --json" (a public interface).
type incidentJSON struct {
	Number         int64  `json:"number"`
	Status         string `json:"status"`
	Source         int64  `json:"source"`
	SourceEvent    string `json:"source_event"`
	Detected       string `json:"detected"`
	SourceTarget   string `json:"source_target"`
	Detections     int    `json:"detections"`
	Information    string `json:"information"`
	Circumstances  string `json:"circumstances"`
	Period         string `json:"period"`
	KnownOn        string `json:"known_on"`
	People         int    `json:"people"`
	Risk           string `json:"risk"`
	RiskAssessment string `json:"risk_assessment"`
	CAINotified    string `json:"cai_notified_on"`
	PeopleNotified string `json:"people_notified_on"`
	Measures       string `json:"measures"`
	Reason         string `json:"reason"`
	RecordedAt     string `json:"recorded_at"`
	By             string `json:"by"`
	At             string `json:"at"`
	Changes        int    `json:"changes"`
}

func toIncidentJSON(x apetitspas.Incident) incidentJSON {
	return incidentJSON{
		Number: x.Number, Status: string(x.Status), Source: x.Source, SourceEvent: x.SourceEvent,
		Detected: rfc3339(x.Detected), SourceTarget: x.SourceTarget, Detections: x.Detections,
		Information: x.Information, Circumstances: x.Circumstances, Period: x.Period, KnownOn: x.KnownOn,
		People: x.People, Risk: x.Risk, RiskAssessment: x.RiskAssessment, CAINotified: x.CAINotified,
		PeopleNotified: x.PeopleNotified, Measures: x.Measures, Reason: x.Reason,
		RecordedAt: rfc3339(x.RecordedAt), By: x.By, At: rfc3339(x.At), Changes: x.Changes,
	}
}

// register signs in as by (password and code on stdin) and reads the
// register as the service gives it (an erased person as her reference:
// see shown). done is nil when it failed (exit says how).
func (c *cli) register(by string) (api apetitspas.API, h *apetitspas.Handle, reg []apetitspas.Incident, done func(), exit int) {
	api, h, _, done, exit = c.signInFromStdin(by)
	if h == nil {
		return nil, nil, nil, nil, exit
	}
	reg, err := api.Incidents(c.ctx(), h)
	if err != nil {
		done()
		return nil, nil, nil, nil, c.fail(err)
	}
	return api, h, reg, done, exitOK
}

// shown is the register as people read it: « Personne effacée (n° N) »
// in the tool's language where an entry names an erased person.
func (c *cli) shown(reg []apetitspas.Incident) []apetitspas.Incident {
	return apetitspas.ShowErased(reg, func(id int64) string {
		return assets.Message(c.language, "journal.erased_person", map[string]any{"N": id})
	})
}

// incidentsList: incidents list [--json] --by ADMIN. Drafts first (each
// with the number of its detection, which record --source and dismiss
// --source take), then entries, then dismissed drafts.
func (c *cli) incidentsList(args []string) int {
	var by string
	var asJSON bool
	if !c.flags("incidents list", args, func(fs *flag.FlagSet) {
		fs.StringVar(&by, "by", "", "")
		fs.BoolVar(&asJSON, "json", false, "")
	}) {
		return exitUsage
	}
	if by == "" {
		return c.usageError("incidents list: --by ADMIN est requis / is required")
	}
	_, _, reg, done, exit := c.register(by)
	if done == nil {
		return exit
	}
	defer done()
	reg = c.shown(reg)
	if asJSON {
		out := make([]incidentJSON, 0, len(reg))
		for _, x := range reg {
			out = append(out, toIncidentJSON(x))
		}
		return c.writeJSON(out)
	}
	if len(reg) == 0 {
		c.say("cli.incidents_none", nil)
		return exitOK
	}
	tw := tabwriter.NewWriter(c.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, c.text("cli.incidents_header", nil))
	for _, x := range reg {
		var number string
		if x.Number != 0 {
			number = fmt.Sprint(x.Number)
		}
		var source string
		if x.Source != 0 {
			source = fmt.Sprint(x.Source)
		}
		what := x.Information
		if x.Status != apetitspas.IncidentRecorded {
			what = report.DetectionWord(c.language, x)
		}
		when := x.Detected
		if when.IsZero() {
			when = x.RecordedAt
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", safe(report.StatusWord(c.language, x.Status)), number, source,
			safe(assets.FormatDateTime(c.language, when.Local())), safe(oneLine(what)))
	}
	tw.Flush()
	return exitOK
}

// oneLine is s on one line, at most 80 characters.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:79]) + "…"
	}
	return s
}

// incidentsExport: incidents export --out FILE.pdf|FILE.csv --by ADMIN,
// written as the window writes it, readable by its owner only.
func (c *cli) incidentsExport(args []string) int {
	var out, by string
	if !c.flags("incidents export", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "")
		fs.StringVar(&by, "by", "", "")
	}) {
		return exitUsage
	}
	if out == "" || by == "" {
		return c.usageError(c.text("cli.incidents_export_usage", nil))
	}
	ext := strings.ToLower(filepath.Ext(out))
	if ext != ".pdf" && ext != ".csv" {
		return c.usageError(c.text("cli.report_out", nil))
	}
	api, _, reg, done, exit := c.register(by)
	if done == nil {
		return exit
	}
	defer done()
	reg = c.shown(reg)
	daycare, err := api.DaycareName(c.ctx())
	if err != nil {
		return c.fail(err)
	}
	r := report.Register{Daycare: daycare, Made: api.Now(), Entries: reg}
	err = apetitspas.WritePrivateFile(out, func(w io.Writer) error {
		if ext == ".pdf" {
			return report.WriteRegisterPDF(w, c.language, r)
		}
		return report.WriteRegisterCSV(w, c.language, r)
	})
	if err != nil {
		return c.fail(err)
	}
	c.say("cli.incidents_saved", map[string]any{"File": out, "Count": len(reg)})
	return exitOK
}

// incidentsDismiss: incidents dismiss --source N --reason "…" --by ADMIN.
func (c *cli) incidentsDismiss(args []string) int {
	var by, reason string
	var source int64
	if !c.flags("incidents dismiss", args, func(fs *flag.FlagSet) {
		fs.StringVar(&by, "by", "", "")
		fs.StringVar(&reason, "reason", "", "")
		fs.Int64Var(&source, "source", 0, "")
	}) {
		return exitUsage
	}
	if by == "" || source <= 0 || strings.TrimSpace(reason) == "" {
		return c.usageError(c.text("cli.incidents_dismiss_usage", nil))
	}
	api, h, _, done, exit := c.signInFromStdin(by)
	if h == nil {
		return exit
	}
	defer done()
	if err := api.DismissIncident(c.ctx(), h, source, reason); err != nil {
		return c.fail(err)
	}
	c.say("cli.incident_dismissed", map[string]any{"Source": source})
	return exitOK
}

// incidentsRecord: incidents record [--source N | --number N] --by ADMIN
// and the Commission's fields. A new entry (neither), a draft completed
// (--source) or an entry changed (--number: the fields not given keep
// their value).
func (c *cli) incidentsRecord(args []string) int {
	var by string
	var asJSON bool
	var in apetitspas.Incident
	set := map[string]bool{}
	fs, ok := c.flagSet("incidents record", args, func(fs *flag.FlagSet) {
		fs.StringVar(&by, "by", "", "")
		fs.BoolVar(&asJSON, "json", false, "")
		fs.Int64Var(&in.Number, "number", 0, "")
		fs.Int64Var(&in.Source, "source", 0, "")
		fs.StringVar(&in.Information, "information", "", "")
		fs.StringVar(&in.Circumstances, "circumstances", "", "")
		fs.StringVar(&in.Period, "period", "", "")
		fs.StringVar(&in.KnownOn, "known-on", "", "")
		fs.IntVar(&in.People, "people", 0, "")
		fs.StringVar(&in.Risk, "risk", "", "")
		fs.StringVar(&in.RiskAssessment, "assessment", "", "")
		fs.StringVar(&in.CAINotified, "cai-notified", "", "")
		fs.StringVar(&in.PeopleNotified, "people-notified", "", "")
		fs.StringVar(&in.Measures, "measures", "", "")
	})
	if !ok {
		return exitUsage
	}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if by == "" || in.Number < 0 || in.Source < 0 || (in.Number != 0 && in.Source != 0) {
		return c.usageError(c.text("cli.incidents_record_usage", nil))
	}
	api, h, reg, done, exit := c.register(by)
	if done == nil {
		return exit
	}
	defer done()
	if in.Number != 0 {
		// A change: the entry's present state, with what was given.
		var old *apetitspas.Incident
		for i := range reg {
			if reg[i].Number == in.Number && reg[i].Status == apetitspas.IncidentRecorded {
				old = &reg[i]
			}
		}
		if old == nil {
			return c.fail(&apetitspas.Error{Code: apetitspas.ENOTFOUND, Reason: apetitspas.ReasonIncidentUnknown})
		}
		keep := func(name string, v *string, was string) {
			if !set[name] {
				*v = was
			}
		}
		keep("information", &in.Information, old.Information)
		keep("circumstances", &in.Circumstances, old.Circumstances)
		keep("period", &in.Period, old.Period)
		keep("known-on", &in.KnownOn, old.KnownOn)
		keep("risk", &in.Risk, old.Risk)
		keep("assessment", &in.RiskAssessment, old.RiskAssessment)
		keep("cai-notified", &in.CAINotified, old.CAINotified)
		keep("people-notified", &in.PeopleNotified, old.PeopleNotified)
		keep("measures", &in.Measures, old.Measures)
		if !set["people"] {
			in.People = old.People
		}
	}
	got, err := api.SaveIncident(c.ctx(), h, in)
	if err != nil {
		return c.fail(err)
	}
	if asJSON {
		return c.writeJSON(toIncidentJSON(got))
	}
	c.say("cli.incident_recorded", map[string]any{"Number": got.Number})
	return exitOK
}
