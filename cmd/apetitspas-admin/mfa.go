package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

// credentials reads the acting administrator's password (first line) and,
// when their MFA is on, their current code (second line).
func credentials(r io.Reader) (password, code string, err error) {
	br := bufio.NewReaderSize(r, 4096)
	line := func() (string, error) {
		s, err := br.ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && s != "") {
			return "", err
		}
		return strings.TrimRight(s, "\r\n"), nil
	}
	if password, err = line(); err != nil || password == "" {
		return "", "", errors.New("no password")
	}
	code, _ = line()
	return password, code, nil
}

// signInAdmin checks the --by administrator's credentials from stdin.
func (c *cli) signInAdmin(svc *apetitspas.Service, by string) (*apetitspas.Session, int) {
	password, code, err := credentials(c.stdin)
	if err != nil {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", assets.Message(c.language, "cli.no_credentials", nil))
		return nil, exitRefused
	}
	sess, err := svc.SignInAdmin(context.Background(), by, password, code)
	if err != nil {
		return nil, c.fail(err)
	}
	return sess, exitOK
}

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
	svc, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	ctx := context.Background()
	if breakGlass {
		if err := svc.ResetMFABreakGlass(ctx, email, reason); err != nil {
			return c.fail(err)
		}
		fmt.Fprintln(c.stdout, assets.Message(c.language, "cli.break_glass_done", map[string]any{"Email": apetitspas.NormalizeEmail(email)}))
		return exitOK
	}
	if apetitspas.NormalizeEmail(email) == apetitspas.NormalizeEmail(by) {
		// Refused (and journaled) before asking for anything; ResetMFA
		// refuses it too, whatever calls it.
		return c.fail(svc.RefuseSelfReset(ctx, by))
	}
	sess, code := c.signInAdmin(svc, by)
	if sess == nil {
		return code
	}
	// The administrator's code was checked by the sign-in a moment ago.
	if err := svc.ResetMFA(ctx, sess, email, ""); err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.stdout, assets.Message(c.language, "cli.mfa_reset_done", map[string]any{"Email": apetitspas.NormalizeEmail(email)}))
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
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
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
	svc, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	st, err := svc.Status(context.Background(), email)
	if err != nil {
		return c.fail(err)
	}
	out := mfaStatusJSON{Email: st.Email, MFA: string(st.MFA), Locked: st.Locked, LockedUntil: rfc3339(st.LockedUntil),
		ResetBy: st.ResetBy, ResetAt: rfc3339(st.ResetAt)}
	if asJSON {
		return c.writeJSON(out)
	}
	fmt.Fprintf(c.stdout, "%s\tmfa=%s\tlocked=%v\n", out.Email, out.MFA, out.Locked)
	return exitOK
}

// policyJSON is "policy show --json" (a public interface).
type policyJSON struct {
	EnforceStaff bool   `json:"enforce_staff"`
	GraceDays    int    `json:"grace_days"`
	Since        string `json:"since"`
	GraceEnds    string `json:"grace_ends"`
}

func (c *cli) policyShow(args []string) int {
	var asJSON bool
	if !c.flags("policy show", args, func(fs *flag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "") }) {
		return exitUsage
	}
	svc, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	p, err := svc.StaffPolicy(context.Background())
	if err != nil {
		return c.fail(err)
	}
	out := policyJSON{EnforceStaff: p.EnforceStaff, GraceDays: p.GraceDays, GraceEnds: rfc3339(p.GraceEnds())}
	if p.EnforceStaff {
		out.Since = rfc3339(p.Since)
	}
	if asJSON {
		return c.writeJSON(out)
	}
	fmt.Fprintf(c.stdout, "enforce_staff=%v grace_days=%d since=%s\n", out.EnforceStaff, out.GraceDays, out.Since)
	return exitOK
}

// policyEnforce: policy enforce-staff on|off --by ADMIN [--grace-days N].
func (c *cli) policyEnforce(args []string) int {
	if len(args) == 0 || (args[0] != "on" && args[0] != "off") {
		return c.usageError("policy enforce-staff: on ou off / on or off")
	}
	on := args[0] == "on"
	var by string
	var grace int
	if !c.flags("policy enforce-staff", args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&by, "by", "", "")
		fs.IntVar(&grace, "grace-days", 0, "")
	}) {
		return exitUsage
	}
	if by == "" {
		return c.usageError("policy enforce-staff: --by ADMIN est requis / is required")
	}
	svc, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	sess, code := c.signInAdmin(svc, by)
	if sess == nil {
		return code
	}
	if err := svc.SetStaffPolicy(context.Background(), sess, on, grace); err != nil {
		return c.fail(err)
	}
	key := "cli.policy_off"
	if on {
		key = "cli.policy_on"
	}
	fmt.Fprintln(c.stdout, assets.Message(c.language, key, nil))
	return exitOK
}
