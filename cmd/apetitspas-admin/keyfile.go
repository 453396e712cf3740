package main

import (
	"context"
	"errors"
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
	return c.passphraseFile("keys export", args, func(api apetitspas.API, h *apetitspas.Handle, out, passphrase string) error {
		_, err := api.ExportKey(c.ctx(), h, out, passphrase, "", assets.Version)
		if err == nil {
			c.say("cli.key_exported", map[string]any{"File": out})
		}
		return err
	})
}

// keysImport: keys import --from FILE; stdin: the passphrase.
func (c *cli) keysImport(args []string) int {
	from, passphrase, exit, ok := c.readPassphraseFrom("keys import", args)
	if !ok {
		return exit
	}
	if err := c.refuseAroundService(); err != nil {
		return c.fail(err)
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
	svc, done, err := c.openService()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	if err := apetitspas.NewTrusted(svc).ImportKey(context.Background(), key, filepath.Base(from)); err != nil {
		return c.fail(err)
	}
	c.say("cli.key_imported", nil)
	return exitOK
}
