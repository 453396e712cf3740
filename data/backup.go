package data

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/zalando/go-keyring"

	"github.com/apetitspas/apetitspas/app"
)

var _ app.Snapshotter = (*DB)(nil)

// Snapshot writes a consistent copy of the whole database to path, a file
// that must not exist yet, with SQLite's VACUUM INTO: one read transaction,
// so other processes may go on using the database, and the copy is a
// plain database (no WAL) that holds every committed change up to that
// moment and none after. The file is made first, empty and readable by
// its owner only (0600), so the copy is never readable by anyone else,
// even while it is written.
func (d *DB) Snapshot(ctx context.Context, path string) error {
	if d.pg {
		return d.snapshotPG(ctx, path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	// VACUUM INTO writes into a file that does not exist or is empty.
	if _, err := d.db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		os.Remove(path)
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	return nil
}

// ImportKey keeps key under id on this computer (a restore brings the key
// of the backed-up database). Keeping the same key again is a no-op; a
// different key under the same id is refused with an error wrapping
// app.ErrKeyConflict and nothing is changed.
func (k *KeyRing) ImportKey(id string, key []byte) error {
	if done, err := importCheck(k, id, key); done || err != nil {
		return err
	}
	enc := base64.StdEncoding.EncodeToString(key)
	if k.useOS {
		if err := keyring.Set(keyringService, "mfa-key-"+id, enc); err == nil {
			return nil
		}
	}
	if err := os.MkdirAll(k.dir, 0o700); err != nil {
		return fmt.Errorf("key folder %s: %w", k.dir, err)
	}
	problems, err := keyDirProblems(k.dir)
	if err != nil {
		return fmt.Errorf("key folder %s: %w", k.dir, err)
	}
	if len(problems) > 0 {
		return insecure(problems)
	}
	// Written beside, then renamed: the key file is whole or absent.
	tmp, err := os.CreateTemp(k.dir, ".import-*")
	if err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("key file: %w", err)
	}
	if _, err := tmp.WriteString(enc + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	path := filepath.Join(k.dir, id+".key")
	if err := os.Link(tmp.Name(), path); err != nil { // never replaces an existing file
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("key %s: %w", id, app.ErrKeyConflict)
		}
		return fmt.Errorf("key file: %w", err)
	}
	return nil
}
