package main

import (
	"context"
	"flag"
	"strings"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// dbMigrate: --db OWNER_URL db migrate --app-role ROLE. Creates or brings
// up to date the schema on a PostgreSQL server, as the role that owns it,
// and grants ROLE exactly what the app needs.
func (c *cli) dbMigrate(args []string) int {
	var role string
	if !c.flags("db migrate", args, func(fs *flag.FlagSet) { fs.StringVar(&role, "app-role", "", "") }) {
		return exitUsage
	}
	if role == "" {
		return c.usageError("db migrate: --app-role ROLE est requis / is required")
	}
	if !data.IsPostgresURL(c.dbPath) {
		return c.usageError("db migrate: --db postgres://PROPRIÉTAIRE@SERVEUR/BASE est requis / --db postgres://OWNER@SERVER/DB is required")
	}
	r, err := data.Migrate(context.Background(), c.dbPath, strings.TrimSpace(role))
	if err != nil {
		return c.fail(err)
	}
	c.say("cli.db_migrated", map[string]any{"From": r.From, "To": r.To, "Owner": r.Owner, "Role": r.AppRole,
		"URL": data.RedactURL(c.dbPath)})
	return exitOK
}

// dbMove: --db SQLITE_PATH db move --to APP_URL. Copies the daycare of the
// SQLite file into the empty database db migrate prepared, all or
// nothing, verified with this computer's key before it is committed; the
// file is left untouched.
func (c *cli) dbMove(args []string) int {
	var to string
	if !c.flags("db move", args, func(fs *flag.FlagSet) { fs.StringVar(&to, "to", "", "") }) {
		return exitUsage
	}
	if !data.IsPostgresURL(to) {
		return c.usageError("db move: --to postgres://APPLICATION@SERVEUR/BASE est requis / is required")
	}
	place, err := c.place()
	if err != nil {
		return c.fail(err)
	}
	src, err := data.OpenSource(place.DB)
	if err != nil {
		return c.fail(err)
	}
	defer src.Close()
	dst, err := data.Open(to)
	if err != nil {
		return c.fail(err)
	}
	defer dst.Close()
	keys := place.KeyRing()
	counts, err := data.Move(context.Background(), src, dst, func(st apetitspas.Store, n data.CopyCounts) error {
		svc := apetitspas.New(apetitspas.Params{Store: st, Keys: keys, Now: clock, Witness: data.OwnWitness()})
		return apetitspas.NewTrusted(svc).AcceptMove(context.Background(), src.Path(), osUser(), n.Users, n.Events)
	})
	if err != nil {
		return c.fail(err)
	}
	c.say("cli.db_moved", map[string]any{"File": src.Path(), "URL": dst.Path(),
		"Accounts": counts.Users, "Rows": counts.Events})
	return exitOK
}
