package data

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/apetitspas/apetitspas/app"
)

// Where the daycare's data lives, one answer for both programs, in this
// order:
//
//  1. --db (the flag),
//  2. $APETITSPAS_DB,
//  3. the machine-wide configuration file (ConfigPath: written by the
//     Windows installer and by "apetitspas-admin configure"): every
//     account of the computer uses the same database and the same key
//     folder,
//  4. the user's own place (apetitspas/apetitspas.db in the user's
//     configuration folder), as before there was a configuration file.
//
// A configuration file that exists but cannot be read or is badly written
// is an error (app.ReasonConfigInvalid), never a silent fall back to the
// user's own place: that would open an empty daycare beside the real one.
// So is one that another account may change (app.ReasonConfigInsecure):
// it would send every account, root's tool included, where she chose.

// Place sources.
const (
	SourceFlag   = "flag"
	SourceEnv    = "env"
	SourceConfig = "config"
	SourceUser   = "user"
)

// Place is where the data lives: the database (a file path, or a
// postgres:// URL) and the folder of its key.
type Place struct {
	DB string
	// KeyDir is the key-file folder. For the user's own place it is
	// DefaultKeyDir (the OS keyring comes first).
	KeyDir string
	// Shared is set for the machine-wide place: the key is in KeyDir,
	// readable by every account of the computer that may use the app
	// (never in one user's OS keyring), and a new database is made
	// usable by all of them.
	Shared bool
	// Source says which of the four gave the place (Source* constants).
	Source string
	// Config is the configuration file read (Source config) or looked for.
	Config string
	// Service is the local service's address (the configuration's
	// service key, Source config): the programs talk to it rather than
	// open DB, which may then be "" (see ParseServiceAddress).
	Service string
}

// configEnv overrides ConfigPath (tests, unusual installations).
const configEnv = "APETITSPAS_CONFIG"

// ConfigPath is the machine-wide configuration file: $APETITSPAS_CONFIG,
// else %ProgramData%\ApetitsPas\config.toml (Windows),
// /Library/Application Support/ApetitsPas/config.toml (macOS),
// /etc/apetitspas/config.toml (other Unix).
func ConfigPath() string {
	if p := os.Getenv(configEnv); p != "" {
		return p
	}
	return systemConfigPath()
}

// DefaultSharedKeyDir is the machine-wide key folder when the
// configuration names none: "keys" beside the configuration file (root's
// or the administrators' folder, never the data folder).
func DefaultSharedKeyDir(configPath string) string {
	return filepath.Join(filepath.Dir(configPath), "keys")
}

// Locate says where the data lives (see the order above). With demo, the
// demonstration database: --db if given, else demo.db in the user's own
// place (never the daycare's machine-wide database nor $APETITSPAS_DB).
func Locate(flagDB string, demo bool) (Place, error) {
	cfgPath := ConfigPath()
	keyDir := func() string {
		d, err := DefaultKeyDir()
		if err != nil {
			return ""
		}
		return d
	}
	// --db or $APETITSPAS_DB naming the machine-wide database itself (the
	// technician's habit) keep its key folder.
	given := func(db, source string) Place {
		p := Place{DB: db, KeyDir: keyDir(), Source: source, Config: cfgPath}
		if cfg, found, err := ReadConfig(cfgPath); err == nil && found && cfg.DB != "" && samePlace(cfg.DB, db) {
			p.Shared, p.KeyDir = true, cfg.KeyDir
			if p.KeyDir == "" {
				p.KeyDir = DefaultSharedKeyDir(cfgPath)
			}
		}
		return p
	}
	if flagDB != "" {
		return given(flagDB, SourceFlag), nil
	}
	if demo {
		return userPlace("demo.db", cfgPath)
	}
	if env := os.Getenv("APETITSPAS_DB"); env != "" {
		return given(env, SourceEnv), nil
	}
	cfg, found, err := ReadConfig(cfgPath)
	if err != nil {
		return Place{}, err
	}
	if found {
		kd := cfg.KeyDir
		if kd == "" {
			kd = DefaultSharedKeyDir(cfgPath)
		}
		return Place{DB: cfg.DB, KeyDir: kd, Shared: true, Source: SourceConfig, Config: cfgPath, Service: cfg.Service}, nil
	}
	return userPlace("apetitspas.db", cfgPath)
}

// samePlace reports whether two spellings name the same database.
func samePlace(a, b string) bool {
	if IsPostgresURL(a) || IsPostgresURL(b) {
		return a == b
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	if err1 != nil || err2 != nil {
		return false
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return strings.EqualFold(aa, bb)
	}
	return aa == bb
}

// UserPlace is the user's own place, as it was before the machine-wide
// configuration: apetitspas.db in the user's configuration folder, its key
// in the OS keyring or DefaultKeyDir.
func UserPlace() (Place, error) { return userPlace("apetitspas.db", ConfigPath()) }

func userPlace(name, cfgPath string) (Place, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return Place{}, &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonStorage,
			Detail: "dossier de configuration introuvable, utilisez --db", Err: err}
	}
	kd, err := DefaultKeyDir()
	if err != nil {
		kd = filepath.Join(dir, "apetitspas", "keys")
	}
	return Place{DB: filepath.Join(dir, "apetitspas", name), KeyDir: kd, Source: SourceUser, Config: cfgPath}, nil
}

// Keys is a key ring the programs can also import a key into (restore,
// keys import, a move into the machine-wide place).
type Keys interface {
	app.KeyRing
	app.KeyImporter
}

// KeyRing is the place's key ring: for the machine-wide place the shared
// key folder alone (see SharedKeyRing); otherwise the user's (the OS
// keyring first, unless APETITSPAS_KEYRING=file, then key files).
func (p Place) KeyRing() Keys {
	if p.Shared {
		return NewSharedKeyRing(p.KeyDir)
	}
	return DefaultKeyRing(p.DB)
}

// Config is the content of the machine-wide configuration file.
type Config struct {
	DB     string // db = "…": the database file or a postgres:// URL
	KeyDir string // key_dir = "…": the key folder (optional)
	// Service = "unix:PATH" or "pipe:NAME": the local service the
	// programs are clients of (db is then optional). Readable by every
	// account: it holds no secret.
	Service string
}

// maxConfig bounds what is read of a configuration file.
const maxConfig = 64 << 10

// ReadConfig reads the configuration file at path. found is false, with
// no error, when there is no file there. A file that an account other than
// root (or the current user) may change or replace, itself or through a
// folder above it, is refused with ReasonConfigInsecure (configProblems);
// any other failure is an *app.Error with ReasonConfigInvalid naming the
// file (and the line).
func ReadConfig(path string) (cfg Config, found bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Config{}, false, nil
	}
	if err != nil {
		return Config{}, true, configError(path, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return Config{}, true, configError(path, err)
	} else if fi.IsDir() {
		return Config{}, true, configError(path, errors.New("a folder, not a file"))
	} else if fi.Size() > maxConfig {
		return Config{}, true, configError(path, fmt.Errorf("%d bytes, more than %d", fi.Size(), maxConfig))
	} else if problems, err := configProblems(path, fi); err != nil {
		return Config{}, true, configError(path, err)
	} else if len(problems) > 0 {
		return Config{}, true, &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonConfigInsecure, Detail: path,
			Err: fmt.Errorf("data: %s", strings.Join(problems, "; "))}
	}
	b, err := io.ReadAll(io.LimitReader(f, maxConfig+1))
	if err != nil {
		return Config{}, true, configError(path, err)
	}
	if len(b) > maxConfig {
		return Config{}, true, configError(path, fmt.Errorf("more than %d bytes", maxConfig))
	}
	cfg, err = ParseConfig(b)
	if err != nil {
		return Config{}, true, configError(path, err)
	}
	return cfg, true, nil
}

func configError(path string, err error) error {
	e := &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonConfigInvalid, Detail: path, Err: err}
	var le *configLineError
	if errors.As(err, &le) {
		e.Line = le.line
	}
	return e
}

// WriteConfig writes cfg to path in one step (a file beside it, then a
// rename): a reader sees the old file or the new one, never half of one.
// perm is its mode (0644: it holds no secret; less when a postgres URL
// carries a password).
func WriteConfig(path string, cfg Config, perm fs.FileMode) error {
	text, err := FormatConfig(cfg)
	if err != nil {
		return configError(path, err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return configError(path, err)
	}
	tmp, err := os.CreateTemp(dir, ".config-*.toml")
	if err != nil {
		return configError(path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(text); err != nil {
		tmp.Close()
		return configError(path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return configError(path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return configError(path, err)
	}
	if err := tmp.Close(); err != nil {
		return configError(path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return configError(path, err)
	}
	return nil
}

// CheckLocal refuses, as Open does, a database path on a network share
// (app.ReasonDBNetwork): "apetitspas-admin configure" checks the path
// before writing it for every account of the computer.
func CheckLocal(path string) error {
	if isUNC(path) {
		return errNetworkPath(path, "UNC path")
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return checkLocal(path)
}

// MoveTarget is this place as where a user's own daycare moves into
// (app.Service.MoveDaycare): its database file, its key ring, and how to
// open a database and give a file the folder's permissions.
func (p Place) MoveTarget() app.MoveTarget {
	return app.MoveTarget{
		Path: p.DB,
		Keys: p.KeyRing(),
		Open: func(path string) (app.Store, func() error, error) {
			d, err := Open(path)
			if err != nil {
				return nil, nil, err
			}
			return d, d.Close, nil
		},
		Share: ShareLikeFolder,
	}
}
