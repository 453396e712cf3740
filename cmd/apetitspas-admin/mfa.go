package main

import (
	"flag"
	"fmt"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

// currentOSUser says who runs the tool, as the operating system sees it
// (osuser_unix.go, osuser_windows.go). Tests replace it.
var currentOSUser = osUser

// mfaReset: --email TARGET --by ADMIN, or --email TARGET --break-glass --reason "…".
func (c *cli) mfaReset(args []string) int {
	var email, by, reason string
	var breakGlass, asJSON bool
	if !c.flags("mfa reset", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "")
		fs.StringVar(&by, "by", "", "")
		fs.BoolVar(&breakGlass, "break-glass", false, "")
		fs.StringVar(&reason, "reason", "", "")
		fs.BoolVar(&asJSON, "json", false, "")
	}) {
		return exitUsage
	}
	if email == "" || (by == "") == !breakGlass || (breakGlass && by != "") {
		return c.usageError("mfa reset: --email avec --by ADMIN, ou --email avec --break-glass --reason / --email with --by ADMIN, or with --break-glass --reason")
	}
	ctx := c.ctx()
	if breakGlass {
		_, tech, done, err := c.open()
		if err != nil {
			return c.fail(err)
		}
		defer done()
		r, err := tech.BreakGlassReset(ctx, email, reason)
		if err != nil {
			return c.fail(err)
		}
		if asJSON {
			return c.writeJSON(reactivationOut(r))
		}
		c.say("cli.break_glass_done", map[string]any{"Email": apetitspas.NormalizeEmail(email)})
		c.sayReactivation(r)
		return exitOK
	}
	if apetitspas.NormalizeEmail(email) == apetitspas.NormalizeEmail(by) {
		// Refused (and journaled) before asking for anything; ResetMFA
		// refuses it too, whatever calls it.
		_, tech, done, err := c.open()
		if err != nil {
			return c.fail(err)
		}
		defer done()
		return c.fail(tech.RefuseSelfReset(ctx, by))
	}
	api, h, _, done, exit := c.signInFromStdin(by)
	if h == nil {
		return exit
	}
	defer done()
	r, err := api.ResetMFA(ctx, h, email, "")
	if err != nil {
		return c.fail(err)
	}
	if asJSON {
		return c.writeJSON(reactivationOut(r))
	}
	c.say("cli.mfa_reset_done", map[string]any{"Email": apetitspas.NormalizeEmail(email)})
	c.sayReactivation(r)
	return exitOK
}

// mfaReactivation: --email TARGET --by ADMIN: a new reactivation code for
// an account waiting for one (the old one no longer works).
func (c *cli) mfaReactivation(args []string) int {
	var email, by string
	var asJSON bool
	if !c.flags("mfa reactivation-code", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "")
		fs.StringVar(&by, "by", "", "")
		fs.BoolVar(&asJSON, "json", false, "")
	}) {
		return exitUsage
	}
	if email == "" || by == "" {
		return c.usageError("mfa reactivation-code: --email et --by sont requis / --email and --by are required")
	}
	api, h, _, done, exit := c.signInFromStdin(by)
	if h == nil {
		return exit
	}
	defer done()
	r, err := api.NewReactivationCode(c.ctx(), h, email, "")
	if err != nil {
		return c.fail(err)
	}
	if asJSON {
		return c.writeJSON(reactivationOut(r))
	}
	c.sayReactivation(r)
	return exitOK
}

// reactivationJSON is "mfa reset --json" and "mfa reactivation-code
// --json" (a public interface). The code is shown once: it is stored
// nowhere in clear.
type reactivationJSON struct {
	Email     string `json:"email"`
	Code      string `json:"reactivation_code"`
	ExpiresAt string `json:"reactivation_expires_at"`
}

func reactivationOut(r apetitspas.ReactivationCode) reactivationJSON {
	return reactivationJSON{Email: r.Email, Code: r.Code, ExpiresAt: rfc3339(r.Expires)}
}

// sayReactivation prints the reactivation code for the technician or the
// administrator to hand over in person.
func (c *cli) sayReactivation(r apetitspas.ReactivationCode) {
	c.say("cli.reactivation_code", map[string]any{"Email": r.Email, "Code": r.Code,
		"Expires": assets.FormatDateTime(c.language, r.Expires)})
}

// mfaStatusJSON is "mfa status --json" (a public interface).
type mfaStatusJSON struct {
	Email       string `json:"email"`
	MFA         string `json:"mfa"`
	Locked      bool   `json:"locked"`
	LockedUntil string `json:"locked_until"`
	ResetBy     string `json:"reset_by"`
	ResetAt     string `json:"reset_at"`
	Tampered    bool   `json:"tampered"`
}

func (c *cli) mfaStatus(args []string) int {
	var email string
	var asJSON bool
	if !c.flags("mfa status", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "")
		fs.BoolVar(&asJSON, "json", false, "")
	}) {
		return exitUsage
	}
	if email == "" {
		return c.usageError("mfa status: --email est requis / is required")
	}
	_, tech, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	st, err := tech.Status(c.ctx(), email)
	if err != nil {
		return c.fail(err)
	}
	out := mfaStatusJSON{Email: st.Email, MFA: string(st.MFA), Locked: st.Locked, LockedUntil: rfc3339(st.LockedUntil),
		ResetBy: st.ResetBy, ResetAt: rfc3339(st.ResetAt), Tampered: st.Tampered}
	if asJSON {
		return c.writeJSON(out)
	}
	line := fmt.Sprintf("%s\tmfa=%s\tlocked=%v", safe(out.Email), out.MFA, out.Locked)
	if out.Tampered {
		line += "\ttampered=true"
	}
	fmt.Fprintln(c.stdout, line)
	return exitOK
}
