package main

import (
	"context"
	"flag"
	"fmt"
)

// keysRecover: keys recover --by ADMIN; stdin: her password, then one of
// her recovery codes. Brings back the key the database names when it is
// missing from this computer.
func (c *cli) keysRecover(args []string) int {
	var by string
	if !c.flags("keys recover", args, func(fs *flag.FlagSet) { fs.StringVar(&by, "by", "", "") }) {
		return exitUsage
	}
	if by == "" {
		return c.usageError("keys recover: --by ADMIN est requis / is required")
	}
	cr, exit, ok := c.readCredentials(false)
	if !ok {
		return exit
	}
	svc, _, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	if err := svc.RestoreKey(context.Background(), by, cr.password, cr.code); err != nil {
		return c.fail(err)
	}
	c.say("cli.key_recovered", nil)
	return exitOK
}

// keysReplace: keys replace --break-glass --reason R. A new key when the
// old one is lost for good (see app.Trusted.ReplaceKey).
func (c *cli) keysReplace(args []string) int {
	var breakGlass bool
	var reason string
	if !c.flags("keys replace", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&breakGlass, "break-glass", false, "")
		fs.StringVar(&reason, "reason", "", "")
	}) {
		return exitUsage
	}
	if !breakGlass {
		return c.usageError("keys replace: --break-glass et --reason sont requis (sinon : keys recover) / are required (else: keys recover)")
	}
	_, trusted, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	rep, err := trusted.ReplaceKey(context.Background(), currentOSUser(), reason)
	if err != nil {
		return c.fail(err)
	}
	c.say("cli.key_replaced", map[string]any{"Pending": fmt.Sprint(rep.Pending)})
	return exitOK
}
