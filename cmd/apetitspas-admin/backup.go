package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
	"github.com/apetitspas/apetitspas/data"
)

// Backups are written and read by package app (app/backupfile.go).

// readPassphraseCredentials reads the --by administrator's password and
// code and a passphrase (line 3) for a new file out, and checks the
// passphrase and the file before any sign-in: a typing mistake does not
// spend the administrator's code.
func (c *cli) readPassphraseCredentials(out string) (credentials, int, bool) {
	cr, exit, ok := c.readCredentials(true)
	if !ok {
		return cr, exit, false
	}
	if cr.third == "" {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", c.text("cli.no_passphrase", nil))
		return cr, exitRefused, false
	}
	if err := apetitspas.CheckNewBackupFile(out, cr.third); err != nil {
		return cr, c.fail(err), false
	}
	return cr, exitOK, true
}

// place is where the data the command works on lives: --db,
// $APETITSPAS_DB, the machine-wide configuration file, or apetitspas.db in
// the user's configuration folder (data.Locate).
//
// Where a service holds the daycare (--service, $APETITSPAS_SERVICE or the
// configuration's service line, and no --db), the commands that work on
// the files themselves are refused (ReasonServiceHoldsData): they would
// reach around the service, or open another database than its own.
func (c *cli) place() (data.Place, error) {
	if err := c.refuseAroundService(); err != nil {
		return data.Place{}, err
	}
	return data.Locate(c.dbPath, false)
}

// refuseAroundService is ReasonServiceHoldsData when a service is named
// and no --db asks for a file.
func (c *cli) refuseAroundService() error {
	if c.dbPath != "" {
		return nil
	}
	_, named, err := data.ServiceFor(c.serviceAddr)
	if err != nil || !named {
		return err
	}
	by := data.ConfigPath()
	switch {
	case c.serviceAddr != "":
		by = "--service"
	case os.Getenv("APETITSPAS_SERVICE") != "":
		by = "APETITSPAS_SERVICE"
	}
	return &apetitspas.Error{Code: apetitspas.EFORBIDDEN, Reason: apetitspas.ReasonServiceHoldsData, Detail: by}
}

// backup: backup --out FILE --by ADMIN; stdin: password, code, passphrase.
func (c *cli) backup(args []string) int {
	return c.passphraseFile("backup", args, func(api apetitspas.API, h *apetitspas.Handle, out, passphrase string) error {
		_, size, err := api.WriteBackup(c.ctx(), h, apetitspas.BackupRequest{Out: out, Passphrase: passphrase, AppVersion: assets.Version})
		if err == nil {
			c.say("cli.backup_done", map[string]any{"File": out, "Size": fmt.Sprintf("%.1f", float64(size)/1048576)})
		}
		return err
	})
}

// passphraseFile is a command that writes a new passphrase-protected file:
// NAME --out FILE --by ADMIN, with the administrator's password, code and
// the passphrase on standard input; write does the service call.
func (c *cli) passphraseFile(name string, args []string, write func(api apetitspas.API, h *apetitspas.Handle, out, passphrase string) error) int {
	var out, by string
	if !c.flags(name, args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "")
		fs.StringVar(&by, "by", "", "")
	}) {
		return exitUsage
	}
	if out == "" || by == "" {
		return c.usageError(name + ": --out FICHIER et --by ADMIN sont requis / are required")
	}
	cr, exit, ok := c.readPassphraseCredentials(out)
	if !ok {
		return exit
	}
	api, _, h, done, exit := c.signIn(by, cr)
	if h == nil {
		return exit
	}
	defer done()
	if err := write(api, h, out, cr.third); err != nil {
		return c.fail(err)
	}
	return exitOK
}

// memKeys is the key ring of a database being restored: the backup's key
// only, until everything is verified.
type memKeys struct{ k apetitspas.BackupKey }

func (m memKeys) Key(id string) ([]byte, error) {
	if id != m.k.ID {
		return nil, fmt.Errorf("key %s not in the backup: %w", id, apetitspas.ErrKeyMissing)
	}
	return m.k.Key, nil
}

func (k memKeys) NewKey() (string, error) {
	return "", errors.New("a restore makes no key")
}

// readPassphraseFrom reads what opens a passphrase-protected file: NAME
// --from FILE, and the passphrase on the first line of standard input;
// ok is false after a message was printed.
func (c *cli) readPassphraseFrom(name string, args []string) (from, passphrase string, exit int, ok bool) {
	if !c.flags(name, args, func(fs *flag.FlagSet) { fs.StringVar(&from, "from", "", "") }) {
		return "", "", exitUsage, false
	}
	if from == "" {
		return "", "", c.usageError(name + ": --from FICHIER est requis / is required"), false
	}
	passphrase, got, err := c.in.line()
	if err != nil {
		return "", "", c.fail(err), false
	}
	if !got || passphrase == "" {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", c.text("cli.no_passphrase", nil))
		return "", "", exitRefused, false
	}
	if !c.inputEnds() {
		return "", "", exitUsage, false
	}
	return from, passphrase, exitOK, true
}

// restore: restore --from FILE [--db PATH]; stdin: the passphrase.
func (c *cli) restore(args []string) int {
	from, passphrase, exit, ok := c.readPassphraseFrom("restore", args)
	if !ok {
		return exit
	}
	place, err := c.place()
	if err != nil {
		return c.fail(err)
	}
	target := place.DB
	if data.IsPostgresURL(target) {
		// A backup is a SQLite file: restored into a file, then moved.
		fmt.Fprintln(c.stderr, "apetitspas-admin:", c.text("cli.restore_to_server", nil))
		return exitRefused
	}
	if target, err = filepath.Abs(target); err != nil {
		return c.fail(err)
	}
	if err := targetIsFree(target); err != nil {
		return c.fail(err)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return c.fail(err)
	}
	// Everything is unpacked and checked in a private folder beside the
	// target (same disk: the last step is one rename).
	work, err := os.MkdirTemp(filepath.Dir(target), ".apetitspas-restore-")
	if err != nil {
		return c.fail(err)
	}
	defer os.RemoveAll(work)
	m, key, err := apetitspas.ReadBackupFile(from, passphrase, work, data.SchemaVersion)
	if err != nil {
		return c.fail(err)
	}
	if m.Kind == apetitspas.KindKey {
		return c.fail(&apetitspas.Error{Code: apetitspas.EINVALID, Reason: apetitspas.ReasonBackupDamaged,
			Err: errors.New("a key file, not a backup: use keys import")})
	}
	restored := filepath.Join(work, apetitspas.BackupDBName)
	if err := c.checkRestored(restored, from, m, key); err != nil {
		return c.fail(err)
	}
	// The key first (a no-op when this computer has it already), then the
	// database in one step: an interrupted restore leaves the target
	// absent, never half-written.
	if err := place.KeyRing().ImportKey(key.ID, key.Key); err != nil {
		if errors.Is(err, apetitspas.ErrKeyConflict) {
			return c.fail(&apetitspas.Error{Code: apetitspas.ECONFLICT, Reason: apetitspas.ReasonKeyConflict, Err: err})
		}
		return c.fail(err)
	}
	// A database with no daycare in it (the app was opened once before the
	// restore) is moved aside, never deleted.
	if _, err := os.Stat(target); err == nil {
		if err := targetIsFree(target); err != nil {
			return c.fail(err)
		}
		aside := target + ".vide-" + time.Now().Format("20060102-150405")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(target+suffix, aside+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return c.fail(err)
			}
		}
	}
	if err := data.ShareLikeFolder(restored, filepath.Dir(target)); err != nil {
		return c.fail(err)
	}
	if err := os.Link(restored, target); err != nil {
		if errors.Is(err, os.ErrExist) {
			return c.fail(&apetitspas.Error{Code: apetitspas.ECONFLICT, Reason: apetitspas.ReasonRestoreTargetExists, Detail: target})
		}
		return c.fail(err)
	}
	c.say("cli.restore_done", map[string]any{"File": target, "Created": m.Created, "By": m.CreatedBy})
	return exitOK
}

// checkRestored opens the unpacked database with the backup's key alone:
// it migrates it if it is older, checks that it names that key and that
// its journal chain holds, and journals backup.restored in it.
func (c *cli) checkRestored(path, from string, m apetitspas.BackupManifest, key apetitspas.BackupKey) error {
	db, err := data.Open(path)
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if !closed {
			db.Close()
		}
	}()
	svc := apetitspas.New(apetitspas.Params{Store: db, Keys: memKeys{key}, Now: clock})
	trusted := apetitspas.NewTrusted(svc)
	ctx := context.Background()
	id, err := trusted.BackupKeyID(ctx)
	if err != nil {
		return err
	}
	if id != key.ID {
		return &apetitspas.Error{Code: apetitspas.EINVALID, Reason: apetitspas.ReasonBackupDamaged,
			Err: fmt.Errorf("the database names key %q, the backup carries %q", id, key.ID)}
	}
	if _, err := trusted.CheckRestorable(ctx); err != nil {
		return err
	}
	if err := trusted.RecordRestore(ctx, filepath.Base(from), m); err != nil {
		return err
	}
	closed = true
	return db.Close()
}

// targetIsFree refuses a restore target that holds a daycare: a missing
// file, an empty one, or a database of ours with no account, first run or
// journal is free.
func targetIsFree(target string) error {
	st, err := os.Stat(target)
	if errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(target + "-wal"); err == nil {
			return &apetitspas.Error{Code: apetitspas.ECONFLICT, Reason: apetitspas.ReasonRestoreTargetExists, Detail: target}
		}
		return nil
	}
	if err != nil {
		return err
	}
	if st.Size() == 0 {
		return nil
	}
	db, err := data.Open(target)
	if err != nil {
		return err
	}
	defer db.Close()
	fresh, err := apetitspas.NewTrusted(apetitspas.New(apetitspas.Params{Store: db})).IsNew(context.Background())
	if err != nil {
		return err
	}
	if !fresh {
		return &apetitspas.Error{Code: apetitspas.ECONFLICT, Reason: apetitspas.ReasonRestoreTargetExists, Detail: target}
	}
	return nil
}
