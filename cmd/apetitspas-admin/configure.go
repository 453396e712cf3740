package main

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// configure: configure --db PATH|URL [--group NAME] [--key-dir DIR].
//
// Writes the machine-wide configuration file (data.ConfigPath) in one
// step, so that every account of this computer uses the same daycare, and
// prepares its folders:
//
//   - the data folder (a SQLite database): on Unix root's, group NAME
//     (default apetitspas, created by the technician beforehand), mode
//     2770: every member of the group uses the database, and what SQLite
//     makes there (-wal, -shm) is the group's too; on Windows, the
//     computer's users may modify it;
//   - the key folder (default: "keys" beside the configuration file): on
//     Unix root's, group NAME, mode 0750, and the key root:NAME 0640, made
//     here: members read the key, only root writes it; on Windows the key
//     is protected by DPAPI's machine scope, the folder readable by the
//     computer's users, changed by administrators only.
//
// A SQLite path on a network share is refused (db_network), as the app
// would refuse it. It needs the computer's administrator rights. The file
// written is read back as the app reads it: in a folder that others may
// write into it would not be trusted (config_insecure), and configure says
// so.
func (c *cli) configure(args []string) int {
	group, keyDir := "apetitspas", ""
	if !c.flags("configure", args, func(fs *flag.FlagSet) {
		fs.StringVar(&group, "group", group, "")
		fs.StringVar(&keyDir, "key-dir", "", "")
	}) {
		return exitUsage
	}
	db := c.dbPath
	if db == "" {
		return c.usageError("configure: --db CHEMIN|URL est requis / is required")
	}
	if !osUser().Elevated {
		return c.fail(&apetitspas.Error{Code: apetitspas.EFORBIDDEN, Reason: apetitspas.ReasonConfigureNotElevated})
	}
	configPath := data.ConfigPath()
	// A service holds the daycare: rewriting the file would send every
	// window and tool of the computer around it, to another database.
	if cfg, found, err := data.ReadConfig(configPath); err == nil && found && cfg.Service != "" {
		return c.fail(&apetitspas.Error{Code: apetitspas.EFORBIDDEN, Reason: apetitspas.ReasonServiceHoldsData, Detail: configPath})
	}
	if keyDir == "" {
		keyDir = data.DefaultSharedKeyDir(configPath)
	}
	var err error
	if keyDir, err = filepath.Abs(keyDir); err != nil {
		return c.fail(err)
	}
	sqlite := !data.IsPostgresURL(db)
	if sqlite {
		if err := data.CheckLocal(db); err != nil {
			return c.fail(err)
		}
		if db, err = filepath.Abs(db); err != nil {
			return c.fail(err)
		}
	}
	gid, err := lookupGroup(group)
	if err != nil {
		return c.fail(err)
	}
	if sqlite {
		if err := prepareDataFolder(filepath.Dir(db), db, gid); err != nil {
			return c.fail(err)
		}
	}
	if err := prepareKeyFolder(keyDir, gid); err != nil {
		return c.fail(err)
	}
	id, err := data.NewSharedKeyRing(keyDir).NewKey()
	if err != nil {
		return c.fail(keyError(err))
	}
	// A URL with a password is readable by the group only.
	perm := os.FileMode(0o644)
	if u, err := url.Parse(db); err == nil && !sqlite && u.User != nil {
		if _, has := u.User.Password(); has {
			perm = 0o640
		}
	}
	if err := data.WriteConfig(configPath, data.Config{DB: db, KeyDir: keyDir}, perm); err != nil {
		return c.fail(err)
	}
	if perm == 0o640 {
		if err := shareConfig(configPath, gid); err != nil {
			return c.fail(err)
		}
	}
	// Read back as every account will: a folder above it that others may
	// write into makes the file untrusted (config_insecure), said now
	// rather than at the next start of the app.
	if _, _, err := data.ReadConfig(configPath); err != nil {
		return c.fail(err)
	}
	shown := db
	if !sqlite {
		shown = redactURL(db)
	}
	c.say("cli.configure_done", map[string]any{"Config": configPath, "DB": shown, "KeyDir": keyDir, "Key": id})
	if gid >= 0 {
		c.say("cli.configure_group", map[string]any{"Group": group})
	}
	return exitOK
}

// redactURL hides the password of a postgres URL.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// keyError turns a key ring failure into an app error with a sentence.
func keyError(err error) error {
	if errors.Is(err, apetitspas.ErrKeyInsecure) {
		return &apetitspas.Error{Code: apetitspas.EUNAVAILABLE, Reason: apetitspas.ReasonKeyInsecure, Detail: err.Error(), Err: err}
	}
	return &apetitspas.Error{Code: apetitspas.EUNAVAILABLE, Reason: apetitspas.ReasonStorage, Detail: err.Error(), Err: err}
}

// prepareFolderError names the folder that could not be prepared.
func prepareFolderError(dir string, err error) error {
	return &apetitspas.Error{Code: apetitspas.EUNAVAILABLE, Reason: apetitspas.ReasonDBReadOnly, Detail: dir, Err: fmt.Errorf("prepare %s: %w", dir, err)}
}
