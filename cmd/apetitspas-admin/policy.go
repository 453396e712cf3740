package main

import (
	"flag"
	"fmt"
)

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
	_, tech, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	p, err := tech.Policy(c.ctx())
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
	api, h, _, done, exit := c.signInFromStdin(by)
	if h == nil {
		return exit
	}
	defer done()
	if err := api.SetStaffPolicy(c.ctx(), h, on, grace, ""); err != nil {
		return c.fail(err)
	}
	key := "cli.policy_off"
	if on {
		key = "cli.policy_on"
	}
	c.say(key, nil)
	return exitOK
}
