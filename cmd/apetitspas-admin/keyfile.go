package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
	"github.com/apetitspas/apetitspas/data"
)

// keysExport: keys export --out FILE --by ADMIN; stdin: password, code,
// passphrase. The database's key alone, for another computer of the same
// daycare (same format as the backups).
func (c *cli) keysExport(args []string) int {
	var out, by string
	if !c.flags("keys export", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "")
		fs.StringVar(&by, "by", "", "")
	}) {
		return exitUsage
	}
	if out == "" || by == "" {
		return c.usageError("keys export: --out FICHIER et --by ADMIN sont requis / are required")
	}
	cr, exit, ok := c.readPassphraseCredentials(out)
	if !ok {
		return exit
	}
	svc, _, sess, done, exit := c.signIn(by, cr)
	if sess == nil {
		return exit
	}
	defer done()
	if _, err := svc.ExportKey(context.Background(), sess, out, cr.third, "", assets.Version); err != nil {
		return c.fail(err)
	}
	c.say("cli.key_exported", map[string]any{"File": out})
	return exitOK
}

// keysImport: keys import --from FILE; stdin: the passphrase.
func (c *cli) keysImport(args []string) int {
	var from string
	if !c.flags("keys import", args, func(fs *flag.FlagSet) { fs.StringVar(&from, "from", "", "") }) {
		return exitUsage
	}
	if from == "" {
		return c.usageError("keys import: --from FICHIER est requis / is required")
	}
	passphrase, got, err := c.in.line()
	if err != nil {
		return c.fail(err)
	}
	if !got || passphrase == "" {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", c.text("cli.no_passphrase", nil))
		return exitRefused
	}
	work, err := os.MkdirTemp("", "apetitspas-key-")
	if err != nil {
		return c.fail(err)
	}
	defer os.RemoveAll(work)
	m, key, err := apetitspas.ReadBackupFile(from, passphrase, work, data.SchemaVersion)
	if err != nil {
		return c.fail(err)
	}
	if m.Kind != apetitspas.KindKey {
		return c.fail(&apetitspas.Error{Code: apetitspas.EINVALID, Reason: apetitspas.ReasonBackupDamaged,
			Err: errors.New("a backup, not a key file: use restore")})
	}
	_, trusted, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	if err := trusted.ImportKey(context.Background(), key, filepath.Base(from)); err != nil {
		return c.fail(err)
	}
	c.say("cli.key_imported", nil)
	return exitOK
}
