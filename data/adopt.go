package data

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/apetitspas/apetitspas/app"
)

// Adoption: the local service takes over a daycare already on this
// computer, the machine-wide one (the configuration's db and key_dir) or
// one user's own (her apetitspas.db and key folder). It is run once, by
// the computer's administrator ("apetitspas-admin service install", as
// root), before the service first starts: the service's own identity may
// read neither the users' folders nor the machine-wide key, and the old
// database must be written once (marked).
//
// What is made, in the service's folder (ServiceDir), belongs to the
// service's account (Owner), the folders 0700 and the files 0600:
//
//   - the key, copied first into a work folder beside (KeyRing.ImportKey:
//     whole or absent, 0600), then linked into the key folder: never over
//     another key (the same key there already is fine);
//   - a snapshot of the old database (DB.Snapshot: consistent even while
//     the app is open), verified under that key alone and journaled
//     data.adopted before it is put in place (app.Trusted.AcceptAdoption),
//     then linked in: never over a file. A database already there that
//     holds a daycare refuses the adoption (app.ReasonAdoptTargetTaken)
//     before anything is copied; one that holds none (the service started
//     once before) is moved aside, never deleted, as a move does;
//   - then the old database is marked (app.Trusted.MarkAdopted:
//     SettingMovedTo, data.adopted journaled): the app opening it says
//     where the daycare went, and it is never adopted nor offered again.
//     Should that fail, the service's copy stays the daycare and the
//     report says the old one is not marked.
//
// The daycare's rules (app.Trusted) are built by the caller, in cmd/: see
// Adopter.

// AdoptSource is a daycare the local service may adopt.
type AdoptSource struct {
	// DB is its SQLite database file.
	DB string
	// KeyDir is its key folder.
	KeyDir string
	// Shared: the machine-wide place, whose key folder SharedKeyRing
	// reads. Otherwise the key files of a user's own place, read by the
	// computer's administrator: they must belong to the owner of the
	// database, as her own key ring requires them to belong to her.
	Shared bool
}

// MachineAdoptSource is the daycare of the machine-wide configuration at
// configPath; ok is false when it names no SQLite database (none, or a
// PostgreSQL server: nothing to copy).
func MachineAdoptSource(cfg Config, configPath string) (src AdoptSource, ok bool) {
	if cfg.DB == "" || IsPostgresURL(cfg.DB) {
		return AdoptSource{}, false
	}
	kd := cfg.KeyDir
	if kd == "" {
		kd = DefaultSharedKeyDir(configPath)
	}
	return AdoptSource{DB: cfg.DB, KeyDir: kd, Shared: true}, true
}

// UserAdoptSource is the own daycare of the user whose home folder is
// home: apetitspas.db and the keys folder in apetitspas of her
// configuration folder, where UserPlace and DefaultKeyDir put them when
// she runs the app ($XDG_CONFIG_HOME or $APETITSPAS_KEY_DIR in her session
// are not known here: --from names another place).
func UserAdoptSource(home string) AdoptSource {
	var cfg string
	switch runtime.GOOS {
	case "darwin":
		cfg = filepath.Join(home, "Library", "Application Support")
	case "windows":
		cfg = filepath.Join(home, "AppData", "Roaming")
	default:
		cfg = filepath.Join(home, ".config")
	}
	dir := filepath.Join(cfg, "apetitspas")
	return AdoptSource{DB: filepath.Join(dir, "apetitspas.db"), KeyDir: filepath.Join(dir, "keys")}
}

// keyRing is where the source's key is read.
func (s AdoptSource) keyRing() (app.KeyRing, error) {
	if s.Shared {
		return NewSharedKeyRing(s.KeyDir), nil
	}
	return userKeyFiles(s.KeyDir, s.DB)
}

// Owner is the service's account, which the adopted files are given to;
// -1 leaves the uid or gid as it is (the tests, Windows).
type Owner struct{ UID, GID int }

// NoOwner changes no owner.
var NoOwner = Owner{UID: -1, GID: -1}

// give makes path the owner's (the link itself, never where it leads).
func (o Owner) give(path string) error {
	if o.UID < 0 && o.GID < 0 {
		return nil
	}
	return os.Lchown(path, o.UID, o.GID)
}

// Adopter builds the daycare's trusted operations over a store and a key
// ring (app.NewTrusted(app.New(…))): only the programs in cmd/ build them.
type Adopter func(st app.Store, keys app.KeyRing) *app.Trusted

// AdoptReport says what Adopt did.
type AdoptReport struct {
	// From is the old database, To the service's.
	From, To string
	// Daycare is the daycare's name; KeyID its key's id.
	Daycare, KeyID string
	// Accounts and Rows are the copy's accounts and journal rows.
	Accounts, Rows int64
	// Aside is where an empty database found at To was moved ("" none).
	Aside string
	// Nothing: the old database holds no daycare; nothing was done.
	Nothing bool
	// Already: the old database was adopted into To before (an install
	// run again); nothing was done.
	Already bool
	// MarkErr: the copy is in place, but the old database could not be
	// marked (it is not used any more: the configuration names the
	// service).
	MarkErr error
}

// Adopt copies src's daycare into the service's folder dir, for its
// account owner, by the OS user by (journaled). See the top of this file.
func Adopt(ctx context.Context, dir ServiceDir, src AdoptSource, owner Owner, by app.OSUser, trusted Adopter) (AdoptReport, error) {
	if IsPostgresURL(src.DB) || src.DB == "" {
		return AdoptReport{}, &app.Error{Code: app.EINVALID, Reason: app.ReasonStorage,
			Err: errors.New("data: only a SQLite daycare is adopted (a server's stays where it is)")}
	}
	from, err := filepath.Abs(src.DB)
	if err != nil {
		return AdoptReport{}, err
	}
	base, err := filepath.Abs(string(dir))
	if err != nil {
		return AdoptReport{}, err
	}
	dir = ServiceDir(base)
	to := dir.DB()
	rep := AdoptReport{From: from, To: to}
	if _, err := os.Stat(from); err != nil {
		return rep, &app.Error{Code: app.ENOTFOUND, Reason: app.ReasonStorage, Detail: from, Err: err}
	}
	keys, err := src.keyRing()
	if err != nil {
		return rep, err
	}
	old, err := Open(from)
	if err != nil {
		return rep, err
	}
	defer old.Close()
	tOld := trusted(old, keys)

	key, daycare, ok, err := tOld.AdoptionKey(ctx)
	var ae *app.Error
	switch {
	case errors.As(err, &ae) && ae.Reason == app.ReasonDBMoved && samePlace(ae.Detail, to):
		rep.Already = true
		return rep, nil
	case errors.Is(err, app.ErrKeyMissing) || app.ErrorReason(err) == app.ReasonMFAKeyMissing:
		return rep, &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonAdoptKeyMissing, Detail: src.KeyDir, Err: err}
	case err != nil:
		return rep, err
	case !ok:
		rep.Nothing = true
		return rep, nil
	}
	rep.Daycare, rep.KeyID = daycare, key.ID
	if err := adoptTargetFree(ctx, to, trusted); err != nil {
		return rep, err
	}

	// The service's folder is its alone; the folders above it stay open
	// (the service's account, and on macOS the clients going to the
	// socket beside, pass through them). Everything is made in a work
	// folder inside (same disk: the last steps are links), readable by
	// its maker only.
	if err := MakeOpenFolders(filepath.Dir(string(dir))); err != nil {
		return rep, &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonDBReadOnly, Detail: string(dir), Err: err}
	}
	if err := os.Mkdir(string(dir), 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return rep, &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonDBReadOnly, Detail: string(dir), Err: err}
	}
	work, err := os.MkdirTemp(string(dir), ".apetitspas-adopt-")
	if err != nil {
		return rep, &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonDBReadOnly, Detail: string(dir), Err: err}
	}
	defer os.RemoveAll(work)
	workKeys := NewKeyRing(filepath.Join(work, "keys"), false)
	if err := workKeys.ImportKey(key.ID, key.Key); err != nil {
		return rep, &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonStorage, Detail: work, Err: err}
	}
	copyPath := filepath.Join(work, filepath.Base(to))
	if err := old.Snapshot(ctx, copyPath); err != nil {
		return rep, &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonStorage, Detail: copyPath, Err: err}
	}
	if rep.Accounts, rep.Rows, err = acceptCopy(ctx, copyPath, from, to, workKeys, by, trusted); err != nil {
		return rep, err
	}

	// The service's from now on: 0600 files in 0700 folders.
	if err := os.Chmod(copyPath, 0o600); err != nil {
		return rep, adoptFileError(copyPath, err)
	}
	if err := owner.give(copyPath); err != nil {
		return rep, adoptFileError(copyPath, err)
	}
	if err := giveKey(dir, work, key, owner); err != nil {
		return rep, err
	}
	// An empty database at the target (the service started once) is moved
	// aside, then the copy is linked in: never over a file.
	if _, err := os.Stat(to); err == nil {
		rep.Aside = to + ".vide-" + stamp()
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(to+suffix, rep.Aside+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return rep, adoptFileError(to, err)
			}
		}
	}
	if err := os.Link(copyPath, to); err != nil {
		if errors.Is(err, os.ErrExist) {
			return rep, &app.Error{Code: app.ECONFLICT, Reason: app.ReasonAdoptTargetTaken, Detail: to, Err: err}
		}
		return rep, adoptFileError(to, err)
	}
	if err := os.Chmod(string(dir), 0o700); err != nil {
		return rep, adoptFileError(string(dir), err)
	}
	if err := owner.give(string(dir)); err != nil {
		return rep, adoptFileError(string(dir), err)
	}
	rep.MarkErr = tOld.MarkAdopted(ctx, from, to, by)
	return rep, nil
}

// giveKey links the key written in work/keys into the service's key
// folder, both its account's (0600 in 0700), never over another key.
func giveKey(dir ServiceDir, work string, key app.BackupKey, owner Owner) error {
	keyFile := filepath.Join(work, "keys", key.ID+".key")
	keyDir := dir.KeyDir()
	for _, step := range []func() error{
		func() error { return owner.give(keyFile) },
		func() error { return os.MkdirAll(keyDir, 0o700) },
		func() error { return os.Chmod(keyDir, 0o700) },
		func() error { return owner.give(keyDir) },
		func() error { return linkKey(keyFile, filepath.Join(keyDir, key.ID+".key"), key.Key) },
	} {
		if err := step(); err != nil {
			return adoptFileError(keyDir, err)
		}
	}
	return nil
}

// AdoptServer is the adoption of a daycare on a PostgreSQL server (the
// machine-wide configuration's db and key_dir): the server stays the
// daycare of every computer, so nothing is copied nor marked. The
// service's folder gets this computer's key of it and its own
// configuration naming url, with the app role's password (service.toml,
// 0600, its account's: the only place that password is kept on this
// computer once the machine-wide file names the service instead), and
// data.adopted is journaled on the server. A service folder already
// holding a daycare, or a configuration naming another database, is
// refused (ReasonAdoptTargetTaken) before anything is written; one naming
// this server already is an install run again (Already).
func AdoptServer(ctx context.Context, dir ServiceDir, url, keyDir string, owner Owner, by app.OSUser, trusted Adopter) (AdoptReport, error) {
	base, err := filepath.Abs(string(dir))
	if err != nil {
		return AdoptReport{}, err
	}
	dir = ServiceDir(base)
	rep := AdoptReport{From: RedactURL(url), To: string(dir)}
	if b, err := os.ReadFile(dir.ConfigPath()); err == nil {
		if c, err := ParseConfig(b); err == nil && c.DB == url {
			rep.Already = true
			return rep, nil
		}
		return rep, &app.Error{Code: app.ECONFLICT, Reason: app.ReasonAdoptTargetTaken, Detail: dir.ConfigPath()}
	} else if !errors.Is(err, os.ErrNotExist) {
		return rep, adoptFileError(dir.ConfigPath(), err)
	}
	if err := adoptTargetFree(ctx, dir.DB(), trusted); err != nil {
		return rep, err
	}
	st, err := Open(url)
	if err != nil {
		return rep, err
	}
	defer st.Close()
	t := trusted(st, NewSharedKeyRing(keyDir))
	key, daycare, ok, err := t.AdoptionKey(ctx)
	switch {
	case errors.Is(err, app.ErrKeyMissing) || app.ErrorReason(err) == app.ReasonMFAKeyMissing:
		return rep, &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonAdoptKeyMissing, Detail: keyDir, Err: err}
	case err != nil:
		return rep, err
	}
	rep.Daycare, rep.KeyID, rep.Nothing = daycare, key.ID, !ok

	if err := MakeOpenFolders(filepath.Dir(string(dir))); err != nil {
		return rep, &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonDBReadOnly, Detail: string(dir), Err: err}
	}
	if err := os.Mkdir(string(dir), 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return rep, &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonDBReadOnly, Detail: string(dir), Err: err}
	}
	work, err := os.MkdirTemp(string(dir), ".apetitspas-adopt-")
	if err != nil {
		return rep, &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonDBReadOnly, Detail: string(dir), Err: err}
	}
	defer os.RemoveAll(work)
	if ok {
		if err := NewKeyRing(filepath.Join(work, "keys"), false).ImportKey(key.ID, key.Key); err != nil {
			return rep, &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonStorage, Detail: work, Err: err}
		}
		if err := giveKey(dir, work, key, owner); err != nil {
			return rep, err
		}
	}
	// The configuration: written in the work folder (0600, the service's),
	// then linked in, never over a file.
	text, err := FormatConfig(Config{DB: url})
	if err != nil {
		return rep, err
	}
	made := filepath.Join(work, "service.toml")
	if err := os.WriteFile(made, []byte(text), 0o600); err != nil {
		return rep, adoptFileError(made, err)
	}
	if err := owner.give(made); err != nil {
		return rep, adoptFileError(made, err)
	}
	// Journaled before the configuration is in place: a server that
	// refuses the write leaves the service without it.
	if ok {
		if err := t.RecordServerAdoption(ctx, rep.From, string(dir), by); err != nil {
			return rep, err
		}
	}
	if err := os.Link(made, dir.ConfigPath()); err != nil {
		if errors.Is(err, os.ErrExist) {
			return rep, &app.Error{Code: app.ECONFLICT, Reason: app.ReasonAdoptTargetTaken, Detail: dir.ConfigPath(), Err: err}
		}
		return rep, adoptFileError(dir.ConfigPath(), err)
	}
	if err := os.Chmod(string(dir), 0o700); err != nil {
		return rep, adoptFileError(string(dir), err)
	}
	if err := owner.give(string(dir)); err != nil {
		return rep, adoptFileError(string(dir), err)
	}
	return rep, nil
}

// adoptTargetFree refuses a target that holds a daycare; a missing file,
// an empty one or a database of ours with no daycare is free.
func adoptTargetFree(ctx context.Context, to string, trusted Adopter) error {
	taken := &app.Error{Code: app.ECONFLICT, Reason: app.ReasonAdoptTargetTaken, Detail: to}
	fi, err := os.Stat(to)
	if errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(to + "-wal"); err == nil {
			return taken // a journal without its database: not ours to judge
		}
		return nil
	}
	if err != nil {
		return adoptFileError(to, err)
	}
	if fi.Size() == 0 {
		return nil
	}
	st, err := Open(to)
	if err != nil {
		return err
	}
	defer st.Close()
	fresh, err := trusted(st, nil).IsNew(ctx)
	if err != nil {
		return err
	}
	if !fresh {
		return taken
	}
	return nil
}

// acceptCopy opens the copy with the adopted key alone, counts what it
// holds, and has the app verify it and journal the adoption.
func acceptCopy(ctx context.Context, path, from, to string, keys app.KeyRing, by app.OSUser, trusted Adopter) (accounts, rows int64, err error) {
	st, err := Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer func() {
		if cerr := st.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	if err := st.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM audit)`).Scan(&accounts, &rows); err != nil {
		return 0, 0, &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonStorage, Detail: path, Err: err}
	}
	if err := trusted(st, keys).AcceptAdoption(ctx, from, to, by, accounts, rows); err != nil {
		return 0, 0, err
	}
	return accounts, rows, nil
}

// linkKey links the key file made in the work folder into the service's
// key folder, never over another file: the very same key there already
// (an adoption run again) is fine, another one is a conflict.
func linkKey(made, dst string, key []byte) error {
	err := os.Link(made, dst)
	if !errors.Is(err, os.ErrExist) {
		return err
	}
	b, rerr := os.ReadFile(dst)
	if rerr == nil {
		if have, derr := decodeKey(string(b)); derr == nil && bytes.Equal(have, key) {
			return nil
		}
	}
	return &app.Error{Code: app.ECONFLICT, Reason: app.ReasonKeyConflict, Detail: dst,
		Err: fmt.Errorf("key %s: %w", filepath.Base(dst), app.ErrKeyConflict)}
}

func adoptFileError(path string, err error) error {
	var ae *app.Error
	if errors.As(err, &ae) {
		return err
	}
	return &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonStorage, Detail: path, Err: err}
}

// SetAside moves the old data folder out of the way when the daycare to
// adopt lives inside the service's folder (the README's Linux example
// put the machine-wide database in /var/lib/apetitspas, the service's
// folder): the whole folder is renamed, kept as it was, and src is
// returned as it is now named. aside is "" when nothing was moved.
// UndoSetAside puts it back.
func SetAside(dir ServiceDir, src AdoptSource) (moved AdoptSource, aside string, err error) {
	base, err := filepath.Abs(string(dir))
	if err != nil {
		return src, "", err
	}
	db, err := filepath.Abs(src.DB)
	if err != nil {
		return src, "", err
	}
	if !inside(db, base) {
		return src, "", nil
	}
	aside = base + ".avant-service"
	if _, err := os.Lstat(aside); err == nil {
		aside += "-" + stamp()
	}
	if err := os.Rename(base, aside); err != nil {
		return src, "", adoptFileError(base, err)
	}
	moved = src
	moved.DB = aside + strings.TrimPrefix(db, base)
	if kd, err := filepath.Abs(src.KeyDir); err == nil && inside(kd, base) {
		moved.KeyDir = aside + strings.TrimPrefix(kd, base)
	}
	return moved, aside, nil
}

// UndoSetAside puts back a folder SetAside moved, when the adoption failed: the
// service's folder made meanwhile must be empty (it is removed first).
func UndoSetAside(dir ServiceDir, aside string) error {
	if aside == "" {
		return nil
	}
	if err := os.Remove(string(dir)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return os.Rename(aside, string(dir))
}

// inside reports whether path is dir or below it.
func inside(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// stamp names what is set aside: the local time, to the second.
func stamp() string { return time.Now().Format("20060102-150405") }
