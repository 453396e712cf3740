package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

// keysRecover: keys replace --by ADMIN; stdin: her password, then one of
// her recovery codes. Each recovery code holds a sealed copy of the key:
// the key the database names comes back to this computer, so nobody has
// to set up their AMF again (app.Service.RestoreKey).
func (c *cli) keysRecover(by string) int {
	cr, exit, ok := c.readCredentials(false)
	if !ok {
		return exit
	}
	api, _, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	if err := api.RestoreKey(c.ctx(), by, cr.password, cr.code); err != nil {
		return c.fail(err)
	}
	c.say("cli.key_recovered", nil)
	return exitOK
}

// keysReplace: keys replace --by ADMIN (password and a recovery code on
// standard input: the lost key comes back, see keysRecover), or
// keys replace --break-glass --reason R: a new key when the old one is lost
// for good and no administrator has a recovery code; with
// --recovery-codes-lost, also when administrators have unused codes that
// nobody has any more (app.Trusted.ReplaceKeyWith).
//
// The accounts whose AMF the new key resets each get a reactivation code
// (shown once, here): a table e-mail, code, expiry, or with --json the
// field reactivation_codes.
func (c *cli) keysReplace(args []string) int {
	var breakGlass, codesLost, asJSON bool
	var reason, by, codesOut string
	if !c.flags("keys replace", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&breakGlass, "break-glass", false, "")
		fs.BoolVar(&codesLost, "recovery-codes-lost", false, "")
		fs.StringVar(&reason, "reason", "", "")
		fs.StringVar(&by, "by", "", "")
		fs.BoolVar(&asJSON, "json", false, "")
		fs.StringVar(&codesOut, "codes-out", "", "")
	}) {
		return exitUsage
	}
	switch {
	case by != "" && !breakGlass && !codesLost && !asJSON && codesOut == "":
		return c.keysRecover(by)
	case by != "" || !breakGlass:
		return c.usageError("keys replace: --by ADMIN, ou --break-glass --reason [--recovery-codes-lost] / --by ADMIN, or --break-glass --reason [--recovery-codes-lost]")
	}
	_, tech, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	rep, err := tech.ReplaceKey(c.ctx(), reason, codesLost)
	if err != nil {
		return c.fail(err)
	}
	if asJSON {
		return c.writeJSON(keyReplacedOut(rep))
	}
	c.say("cli.key_replaced", map[string]any{"Pending": fmt.Sprint(rep.Pending)})
	if len(rep.Codes) == 0 {
		return exitOK
	}
	table := c.reactivationTable(rep.Codes)
	if codesOut != "" {
		// Readable by its owner only; when it cannot be written, the
		// codes are printed instead: the key is replaced already.
		err := apetitspas.WritePrivateFile(codesOut, func(w io.Writer) error {
			_, err := io.WriteString(w, table)
			return err
		})
		if err == nil {
			c.say("cli.key_replaced_codes_out", map[string]any{"File": codesOut})
			return exitOK
		}
		fmt.Fprintln(c.stderr, "apetitspas-admin:", codesOut+":", err)
	}
	c.stdout.Write([]byte(table))
	return exitOK
}

// keyReplacedJSON is "keys replace --break-glass --json" (a public
// interface). The codes are shown once: they are stored nowhere in clear.
type keyReplacedJSON struct {
	OldKeyID          string            `json:"old_key_id"`
	NewKeyID          string            `json:"new_key_id"`
	Pending           int               `json:"pending"`
	ReactivationCodes []reactivationRow `json:"reactivation_codes"`
}

// reactivationRow is one account's code in keyReplacedJSON.
type reactivationRow struct {
	Email     string `json:"email"`
	Code      string `json:"code"`
	ExpiresAt string `json:"expires_at"`
}

func keyReplacedOut(rep apetitspas.KeyReplacement) keyReplacedJSON {
	out := keyReplacedJSON{OldKeyID: rep.OldKeyID, NewKeyID: rep.NewKeyID, Pending: rep.Pending,
		ReactivationCodes: []reactivationRow{}}
	for _, r := range rep.Codes {
		out.ReactivationCodes = append(out.ReactivationCodes, reactivationRow{Email: r.Email, Code: r.Code, ExpiresAt: rfc3339(r.Expires)})
	}
	return out
}

// reactivationTable is the codes of a replaced key for the technician to
// hand over in person: a sentence, then one line per account (e-mail,
// code, valid until).
func (c *cli) reactivationTable(codes []apetitspas.ReactivationCode) string {
	var b strings.Builder
	b.WriteString(c.text("cli.key_replaced_codes", nil) + "\n")
	tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, c.text("cli.key_replaced_columns", nil))
	for _, r := range codes {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", safe(r.Email), safe(r.Code), assets.FormatDateTime(c.language, r.Expires))
	}
	tw.Flush()
	return b.String()
}
