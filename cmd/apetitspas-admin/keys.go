package main

import (
	"flag"
	"fmt"
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
func (c *cli) keysReplace(args []string) int {
	var breakGlass, codesLost bool
	var reason, by string
	if !c.flags("keys replace", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&breakGlass, "break-glass", false, "")
		fs.BoolVar(&codesLost, "recovery-codes-lost", false, "")
		fs.StringVar(&reason, "reason", "", "")
		fs.StringVar(&by, "by", "", "")
	}) {
		return exitUsage
	}
	switch {
	case by != "" && !breakGlass && !codesLost:
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
	c.say("cli.key_replaced", map[string]any{"Pending": fmt.Sprint(rep.Pending)})
	return exitOK
}
