package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// move: move --by ADMIN [--from PATH]; stdin: password, code.
//
// The tool's way of the move the app offers at start-up: the daycare of
// a user's own database (--from, by default this account's own place)
// goes into the machine-wide place of the configuration file, checked
// against the old database (ADMIN's password and code), never over a
// daycare; data.moved is journaled in both.
func (c *cli) move(args []string) int {
	var by, from string
	if !c.flags("move", args, func(fs *flag.FlagSet) {
		fs.StringVar(&by, "by", "", "")
		fs.StringVar(&from, "from", "", "")
	}) {
		return exitUsage
	}
	if by == "" {
		return c.usageError("move: --by ADMIN est requis / is required")
	}
	cr, exit, ok := c.readCredentials(false)
	if !ok {
		return exit
	}
	if err := c.refuseAroundService(); err != nil {
		return c.fail(err)
	}
	place, err := data.Locate("", false)
	if err != nil {
		return c.fail(err)
	}
	if place.Source != data.SourceConfig || data.IsPostgresURL(place.DB) {
		return c.fail(&apetitspas.Error{Code: apetitspas.EINVALID, Reason: apetitspas.ReasonMoveNoMachinePlace, Detail: place.Config})
	}
	own, err := data.UserPlace()
	if err != nil {
		return c.fail(err)
	}
	if from != "" {
		if own.DB, err = filepath.Abs(from); err != nil {
			return c.fail(err)
		}
	}
	if _, err := os.Stat(own.DB); errors.Is(err, os.ErrNotExist) {
		return c.fail(&apetitspas.Error{Code: apetitspas.ENOTFOUND, Reason: apetitspas.ReasonStorage, Detail: own.DB, Err: err})
	}
	db, err := data.Open(own.DB)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	svc := apetitspas.New(apetitspas.Params{Store: db, Keys: own.KeyRing(), Now: clock, Witness: data.OwnWitness()})
	target := place.MoveTarget()
	aside, err := svc.MoveDaycare(context.Background(), by, cr.password, cr.code, own.DB, target)
	if err != nil {
		return c.fail(err)
	}
	c.say("cli.move_done", map[string]any{"From": own.DB, "To": place.DB})
	if aside != "" {
		c.say("cli.move_aside", map[string]any{"File": aside})
	}
	return exitOK
}
