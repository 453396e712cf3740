package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

// eventJSON is one element of "audit --json" (a public interface).
type eventJSON struct {
	Time   string `json:"time"`
	Event  string `json:"event"`
	Actor  string `json:"actor"`
	Target string `json:"target"`
	Detail string `json:"detail"`
	// Fields are the event's details key by key (an empty object for
	// events written before they existed, whose detail is all there is).
	Fields map[string]string `json:"fields"`
}

// fieldsJSON is an event's fields as a JSON object, never null.
func fieldsJSON(fs []apetitspas.AuditField) map[string]string {
	m := make(map[string]string, len(fs))
	for _, f := range fs {
		m[f.Key] = f.Value
	}
	return m
}

func (c *cli) audit(args []string) int {
	var asJSON bool
	var event, person string
	if !c.flags("audit", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "")
		fs.StringVar(&event, "event", "", "")
		fs.StringVar(&person, "person", "", "")
	}) {
		return exitUsage
	}
	_, tech, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	events, err := tech.ListAudit(c.ctx(), apetitspas.AuditFilter{Event: event, Person: apetitspas.NormalizeEmail(person)})
	if err != nil {
		return c.fail(err)
	}
	out := make([]eventJSON, 0, len(events))
	for _, e := range events {
		out = append(out, eventJSON{Time: e.Time.UTC().Format(time.RFC3339), Event: e.Event, Actor: e.Actor, Target: e.Target, Detail: e.Detail, Fields: fieldsJSON(e.Fields)})
	}
	if asJSON {
		return c.writeJSON(out)
	}
	tw := tabwriter.NewWriter(c.stdout, 2, 4, 2, ' ', 0)
	for _, e := range out {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Time, safe(e.Event), safe(e.Actor), safe(e.Target), safe(e.Detail))
	}
	tw.Flush()
	return exitOK
}

// verifyJSON is "audit verify --json" (a public interface).
type verifyJSON struct {
	// OK: nothing needs an administrator's attention (the exit code is 0).
	OK bool `json:"ok"`
	// JournalRows is how many journal rows were checked.
	JournalRows int `json:"journal_rows"`
	// JournalBreaks are the IDs of the rows where the chain is broken.
	JournalBreaks []int64 `json:"journal_breaks"`
	// TailCut: rows were removed at the end of the journal.
	TailCut bool `json:"tail_cut"`
	// Accounts changed outside the app (e-mails).
	Accounts []string `json:"accounts"`
	// Missing accounts: created according to the journal, deleted from
	// the file (e-mails).
	Missing []string `json:"missing"`
	// SettingsChanged: settings (staff policy…) changed outside the app.
	SettingsChanged bool `json:"settings_changed"`
	// Unsealed: the integrity marker was removed while MACs remain.
	Unsealed bool `json:"unsealed"`
	// KeyProblem is the reason the key could not be used ("" when it
	// could), e.g. "key_insecure" or "mfa_key_missing".
	KeyProblem string `json:"key_problem"`
	// Recorded counts the tampering events journaled since an
	// administrator last acknowledged.
	Recorded int `json:"recorded"`
	// SealedAt is when the MACs were computed for an existing daycare
	// since an administrator last acknowledged (RFC 3339, "" when not):
	// normal once after the update, a sign of stripped MACs otherwise.
	SealedAt string `json:"sealed_at"`
	// Acknowledged: the findings are the ones an administrator already
	// acknowledged.
	Acknowledged bool `json:"acknowledged"`
	// StateRoot is the state root's problem: "" when it vouches for the
	// file, else "missing", "invalid" or "stale" (nobody signs in until
	// audit acknowledge --break-glass).
	StateRoot string `json:"state_root"`
	// Counter is the state root's write counter.
	Counter uint64 `json:"counter"`
	// RolledBack are the accounts older than the state root (an older
	// copy of the row put back; e-mails).
	RolledBack []string `json:"rolled_back"`
	// JournalRolledBack, SettingsRolledBack: the journal's head or the
	// settings are older than the state root.
	JournalRolledBack  bool `json:"journal_rolled_back"`
	SettingsRolledBack bool `json:"settings_rolled_back"`
	// SeenCounter: this computer saw a newer state of the database (a
	// whole file put back): the highest write counter seen, 0 when not.
	SeenCounter uint64 `json:"seen_counter"`
}

// auditVerify: audit verify [--json]. Exit 1 when anything needs an
// administrator's attention, 0 when all is fine.
func (c *cli) auditVerify(args []string) int {
	var asJSON bool
	if !c.flags("audit verify", args, func(fs *flag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "") }) {
		return exitUsage
	}
	_, tech, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	r, err := tech.Verify(c.ctx())
	if err != nil {
		return c.fail(err)
	}
	out := verifyJSON{OK: r.OK(), JournalRows: r.JournalRows, JournalBreaks: r.JournalBreaks, TailCut: r.TailCut,
		Accounts: r.Accounts, Missing: r.Missing, SettingsChanged: r.SettingsChanged, Unsealed: r.Unsealed,
		Recorded: r.Recorded, Acknowledged: r.Acknowledged, StateRoot: r.Root, Counter: r.Counter, RolledBack: r.RolledBack,
		JournalRolledBack: r.JournalRolledBack, SettingsRolledBack: r.SettingsRolledBack, SeenCounter: r.SeenCounter}
	if !r.SealedAt.IsZero() {
		out.SealedAt = r.SealedAt.UTC().Format(time.RFC3339)
	}
	if out.JournalBreaks == nil {
		out.JournalBreaks = []int64{}
	}
	if out.Accounts == nil {
		out.Accounts = []string{}
	}
	if out.Missing == nil {
		out.Missing = []string{}
	}
	if out.RolledBack == nil {
		out.RolledBack = []string{}
	}
	if r.KeyProblem != nil {
		out.KeyProblem = apetitspas.ErrorReason(r.KeyProblem)
	}
	exit := exitOK
	if !out.OK {
		exit = exitRefused
	}
	if asJSON {
		if c.writeJSON(out) != exitOK {
			return exitRefused
		}
		return exit
	}
	c.say("cli.verify_rows", map[string]any{"Rows": out.JournalRows})
	if r.KeyProblem != nil {
		c.say("cli.verify_key", map[string]any{"Problem": c.message(r.KeyProblem)})
	}
	if len(out.JournalBreaks) > 0 {
		ids := make([]string, 0, len(out.JournalBreaks))
		for i, id := range out.JournalBreaks {
			if i == 50 {
				ids = append(ids, fmt.Sprintf("… (%d)", len(out.JournalBreaks)))
				break
			}
			ids = append(ids, strconv.FormatInt(id, 10))
		}
		c.say("cli.verify_breaks", map[string]any{"IDs": strings.Join(ids, ", ")})
	}
	if out.TailCut {
		c.say("cli.verify_tail_cut", nil)
	}
	if out.Unsealed {
		c.say("cli.verify_unsealed", nil)
	}
	if out.SettingsChanged {
		c.say("cli.verify_settings", nil)
	}
	if len(out.Accounts) > 0 {
		c.say("cli.verify_accounts", map[string]any{"Emails": strings.Join(out.Accounts, ", ")})
	}
	if len(out.Missing) > 0 {
		c.say("cli.verify_missing", map[string]any{"Emails": strings.Join(out.Missing, ", ")})
	}
	if out.StateRoot != "" {
		c.say("cli.verify_root", map[string]any{"Problem": out.StateRoot})
	}
	var older []string
	if out.JournalRolledBack {
		older = append(older, c.text("cli.verify_older_journal", nil))
	}
	if out.SettingsRolledBack {
		older = append(older, c.text("cli.verify_older_settings", nil))
	}
	if older = append(older, out.RolledBack...); len(older) > 0 {
		c.say("cli.verify_rolled_back", map[string]any{"What": strings.Join(older, ", ")})
	}
	if out.SeenCounter > 0 {
		c.say("cli.verify_file_rolled_back", map[string]any{"Seen": out.SeenCounter, "Found": out.Counter})
	}
	if out.Acknowledged {
		c.say("cli.verify_acknowledged", nil)
	}
	if out.Recorded > 0 {
		c.say("cli.verify_recorded", map[string]any{"Count": out.Recorded})
	}
	if !r.SealedAt.IsZero() {
		c.say("cli.verify_sealed", map[string]any{"When": assets.FormatDateTime(c.language, r.SealedAt)})
		// What to look at first: who can act as an administrator now.
		if admins, err := tech.ListUsers(c.ctx(), apetitspas.UserFilter{Role: apetitspas.RoleAdmin}); err == nil {
			list := make([]string, 0, len(admins))
			for _, a := range admins {
				list = append(list, fmt.Sprintf("%s (AMF %s)", a.Email, a.MFA))
			}
			c.say("cli.verify_admins", map[string]any{"Admins": strings.Join(list, ", ")})
		}
	}
	if out.OK {
		c.say("cli.verify_ok", nil)
	} else {
		c.say("cli.verify_problem", nil)
	}
	return exit
}

// auditAcknowledge: audit acknowledge --by ADMIN. An administrator has
// looked at what "audit verify" found (a strong action). Or audit
// acknowledge --break-glass --reason "…": the computer's administrator
// accepts the current state after the state root stopped vouching for it
// (nobody could sign in to acknowledge).
func (c *cli) auditAcknowledge(args []string) int {
	var by, reason string
	var breakGlass bool
	if !c.flags("audit acknowledge", args, func(fs *flag.FlagSet) {
		fs.StringVar(&by, "by", "", "")
		fs.BoolVar(&breakGlass, "break-glass", false, "")
		fs.StringVar(&reason, "reason", "", "")
	}) {
		return exitUsage
	}
	if (by == "") == !breakGlass || (breakGlass && by != "") {
		return c.usageError("audit acknowledge: --by ADMIN, ou --break-glass --reason / --by ADMIN, or --break-glass --reason")
	}
	if breakGlass {
		_, tech, done, err := c.open()
		if err != nil {
			return c.fail(err)
		}
		defer done()
		if err := tech.RebuildRoot(c.ctx(), reason); err != nil {
			return c.fail(err)
		}
		c.say("cli.root_rebuilt", nil)
		return exitOK
	}
	api, h, _, done, exit := c.signInFromStdin(by)
	if h == nil {
		return exit
	}
	defer done()
	if err := api.AcknowledgeIntegrity(c.ctx(), h, ""); err != nil {
		return c.fail(err)
	}
	c.say("cli.integrity_acknowledged", nil)
	return exitOK
}
