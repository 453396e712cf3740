package main

import (
	"flag"
	"fmt"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// currentOSUser says who runs the tool, as the operating system sees it
// (osuser_unix.go, osuser_windows.go). Tests replace it.
var currentOSUser = osUser

// mfaReset: --email TARGET --by ADMIN, or --email TARGET --break-glass --reason "…".
func (c *cli) mfaReset(args []string) int {
	var email, by, reason string
	var breakGlass bool
	if !c.flags("mfa reset", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "")
		fs.StringVar(&by, "by", "", "")
		fs.BoolVar(&breakGlass, "break-glass", false, "")
		fs.StringVar(&reason, "reason", "", "")
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
		if err := tech.BreakGlassReset(ctx, email, reason); err != nil {
			return c.fail(err)
		}
		c.say("cli.break_glass_done", map[string]any{"Email": apetitspas.NormalizeEmail(email)})
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
	cr, exit, ok := c.readCredentials(false)
	if !ok {
		return exit
	}
	api, _, h, done, exit := c.signIn(by, cr)
	if h == nil {
		return exit
	}
	defer done()
	if err := api.ResetMFA(ctx, h, email, ""); err != nil {
		return c.fail(err)
	}
	c.say("cli.mfa_reset_done", map[string]any{"Email": apetitspas.NormalizeEmail(email)})
	return exitOK
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
