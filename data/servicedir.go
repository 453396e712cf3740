package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/apetitspas/apetitspas/app"
)

// The local service (cmd/apetitspas-service): one per computer, it alone
// opens the daycare's database and key, under an identity of its own; the
// window and apetitspas-admin are its clients. Clients find it through
// the machine-wide configuration (service = "unix:PATH" or "pipe:NAME"),
// or --service / $APETITSPAS_SERVICE, all spelled as ParseServiceAddress
// reads them.

// ServiceEnv names the service's address for a client, before the
// machine-wide configuration.
const ServiceEnv = "APETITSPAS_SERVICE"

// Service address networks.
const (
	NetworkUnix = "unix" // a Unix socket (Linux, macOS)
	NetworkPipe = "pipe" // a named pipe (Windows)
)

// maxSocketPath is the longest socket path every Unix takes: sun_path is
// 108 bytes on Linux, 104 on macOS and the BSDs, the last one a NUL.
const maxSocketPath = 103

// ServiceAddress is where the local service listens.
type ServiceAddress struct {
	Network string // NetworkUnix or NetworkPipe
	// Path is the socket's absolute path, or the pipe's name ("ApetitsPas")
	// or full name (`\\.\pipe\ApetitsPas`).
	Path string
}

// String is the address as ParseServiceAddress reads it.
func (a ServiceAddress) String() string { return a.Network + ":" + a.Path }

// ParseServiceAddress reads "unix:/ABSOLUTE/PATH" or "pipe:NAME". A
// relative socket path is refused: every account of the computer, from
// any folder, must reach the same service.
func ParseServiceAddress(s string) (ServiceAddress, error) {
	network, path, ok := strings.Cut(s, ":")
	if !ok || path == "" {
		return ServiceAddress{}, fmt.Errorf("service address %q: want unix:/PATH or pipe:NAME", s)
	}
	for _, r := range path {
		if r < 0x20 || r == 0x7f {
			return ServiceAddress{}, fmt.Errorf("service address %q: control character", s)
		}
	}
	switch network {
	case NetworkUnix:
		if !filepath.IsAbs(path) {
			return ServiceAddress{}, fmt.Errorf("service address %q: the socket path is not absolute", s)
		}
		if len(path) > maxSocketPath {
			return ServiceAddress{}, fmt.Errorf("service address %q: the socket path has %d bytes, more than %d", s, len(path), maxSocketPath)
		}
	case NetworkPipe:
		name := strings.TrimPrefix(path, `\\.\pipe\`)
		if !pipeName(name) {
			return ServiceAddress{}, fmt.Errorf("service address %q: the pipe name may hold letters, digits, '.', '_' and '-' only", s)
		}
	default:
		return ServiceAddress{}, fmt.Errorf("service address %q: unknown kind %q (unix or pipe)", s, network)
	}
	return ServiceAddress{Network: network, Path: path}, nil
}

// pipeName: a short plain name, no separator (a pipe name with '\' would
// name another namespace).
func pipeName(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// ServiceDir is the local service's data folder: readable and writable by
// the service's identity only (the folder 0700, every file 0600): its
// database (with -wal and -shm), its key folder and its own
// configuration, which may hold a PostgreSQL password.
type ServiceDir string

// DB is the service's SQLite database.
func (d ServiceDir) DB() string { return filepath.Join(string(d), "apetitspas.db") }

// KeyDir is the service's key folder (key files, 0700).
func (d ServiceDir) KeyDir() string { return filepath.Join(string(d), "keys") }

// ConfigPath is the service's own configuration (ParseConfig's format),
// never readable by other accounts: unlike the machine-wide one, it may
// name a postgres:// URL with its password.
func (d ServiceDir) ConfigPath() string { return filepath.Join(string(d), "service.toml") }

// KeyRing is the service's key ring: key files in KeyDir, never the OS
// keyring (a system account has no session nor keyring of its own).
func (d ServiceDir) KeyRing() *KeyRing { return NewKeyRing(d.KeyDir(), false) }

// MakeOpenFolders makes dir and the folders missing above it, each mode
// 0755 whatever the umask (a technician's umask 077 would otherwise make
// them root's alone, and the service's account, or the clients going to
// its socket, could not pass through). Folders already there are left as
// they are.
func MakeOpenFolders(dir string) error {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		if err := os.Chmod(missing[i], 0o755); err != nil {
			return err
		}
	}
	return nil
}

// ServiceFor says which local service a client talks to: --service (flag),
// else $APETITSPAS_SERVICE, else the machine-wide configuration's
// service line. named is false when none names one: the client then runs
// the embedded daycare itself (make run, a bare machine). A named service
// is never replaced by opening the data: the client waits for it.
func ServiceFor(flag string) (addr ServiceAddress, named bool, err error) {
	s := flag
	if s == "" {
		s = os.Getenv(ServiceEnv)
	}
	if s == "" {
		cfg, found, err := ReadConfig(ConfigPath())
		if err != nil {
			return ServiceAddress{}, false, err
		}
		if !found || cfg.Service == "" {
			return ServiceAddress{}, false, nil
		}
		s = cfg.Service
	}
	addr, err = ParseServiceAddress(s)
	if err != nil {
		return ServiceAddress{}, true, &app.Error{Code: app.EINVALID, Reason: app.ReasonConfigInvalid, Detail: s, Err: err}
	}
	return addr, true, nil
}
