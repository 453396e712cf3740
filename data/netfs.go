package data

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/apetitspas/apetitspas/app"
)

// A SQLite database on a network share (a UNC path, a mapped network
// drive, an NFS or SMB mount) gets corrupted: its WAL and locks work only
// between processes of one computer. Open refuses such a path before
// anything is written, with ReasonDBNetwork (the sentence points to
// PostgreSQL for several computers).

// errNetworkPath is the refusal of a path on a network share.
func errNetworkPath(path, what string) error {
	return unavailable(app.ReasonDBNetwork, path, errors.New("data: the database is on a network share ("+what+")"))
}

// checkLocal refuses a database path on a network share: by its spelling
// (UNC paths), then by the file system of its folder (the closest one
// that exists).
func checkLocal(path string) error {
	if isUNC(path) {
		return errNetworkPath(path, "UNC path")
	}
	dir := filepath.Dir(path)
	for {
		if _, err := os.Stat(dir); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
	if remote, what := networkFS(dir); remote {
		return errNetworkPath(path, what)
	}
	return nil
}

// isUNC reports a Windows network path (\\server\share\… or
// //server/share/…), whatever the system the tool runs on.
func isUNC(path string) bool {
	p := strings.ReplaceAll(path, "/", `\`)
	if !strings.HasPrefix(p, `\\`) {
		return false
	}
	// \\?\C:\… and \\.\… are local device paths; \\?\UNC\… is remote.
	if strings.HasPrefix(p, `\\?\`) || strings.HasPrefix(p, `\\.\`) {
		return strings.HasPrefix(strings.ToUpper(p), `\\?\UNC\`)
	}
	return len(p) > 2 && p[2] != '\\'
}
