package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apetitspas/apetitspas/data"
)

// The service's data folder holds everything only the service may read:
//
//	apetitspas.db (+ -wal, -shm)   the daycare (SQLite), unless service.toml names PostgreSQL
//	keys/                          the database's key
//	witness/                       what this computer remembers (rollbacks, key-restore counts)
//	service.toml                   optional: db = "postgres://…" (the app role's password)
//
// The folder is the service account's alone (0700); the service refuses
// to start on a folder or configuration others may read or change.
// (data.ServiceDir names the files; the witness is in witness/.)
const (
	dbName     = "apetitspas.db"
	configName = "service.toml"
	witnessDir = "witness"
)

// dataPlace is what the service opens, read from its folder.
type dataPlace struct {
	Dir     string
	DB      string // a file path or a postgres:// URL
	KeyDir  string
	Witness string
}

// errDataShared: the folder or its configuration can be read or changed
// by another account than the service's.
var errDataShared = errors.New("data folder readable or writable by other accounts")

// openDataDir makes dir when missing (0700), checks that it and its
// configuration are the service account's alone, and returns the place.
func openDataDir(dir string) (dataPlace, error) {
	if !filepath.IsAbs(dir) {
		return dataPlace{}, fmt.Errorf("--data %q: not an absolute path", dir)
	}
	if err := makeDataDir(dir); err != nil {
		return dataPlace{}, err
	}
	if err := ownerOnly(dir); err != nil {
		return dataPlace{}, err
	}
	sd := data.ServiceDir(dir)
	p := dataPlace{Dir: dir, DB: sd.DB(), KeyDir: sd.KeyDir(), Witness: filepath.Join(dir, witnessDir)}
	cfg := sd.ConfigPath()
	b, err := os.ReadFile(cfg)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return p, nil
	case err != nil:
		return dataPlace{}, err
	}
	if err := ownerOnly(cfg); err != nil {
		return dataPlace{}, err
	}
	c, err := data.ParseConfig(b)
	if err != nil {
		return dataPlace{}, fmt.Errorf("%s: %w", cfg, err)
	}
	p.DB = c.DB
	return p, nil
}
