package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The plain snapshot a backup encrypts holds every account and the whole
// journal. It is written in a folder of its own in the temporary folder,
// readable by its owner only (0700, and the file 0600, see
// data.DB.Snapshot), removed as soon as the backup is written. A backup
// killed mid-way cannot remove it: the folder's name carries the process
// id (apetitspas-backup-PID-…), and the next backup, or the next start of
// the app, removes every such folder whose process is gone.

// snapshotPrefix starts the name of every snapshot folder.
const snapshotPrefix = "apetitspas-backup-"

// oldSnapshotAge is how old a snapshot folder of an earlier version (no
// process id in its name) must be before it is swept.
const oldSnapshotAge = 24 * time.Hour

// newSnapshotDir sweeps the leftovers of killed backups, then makes a new
// private folder for one snapshot; the caller removes it.
func newSnapshotDir() (string, error) {
	SweepSnapshots()
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", snapshotPrefix, os.Getpid()))
	if err != nil {
		return "", err
	}
	if err := os.Chmod(dir, 0o700); err != nil { // MkdirTemp's mode already; said again
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// SweepSnapshots removes the snapshot folders that backups killed mid-way
// left in the temporary folder (their process is gone; an earlier
// version's, once a day old) and returns how many it removed. A backup
// still running, in this process or another, is left alone.
func SweepSnapshots() int {
	tmp := os.TempDir()
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return 0
	}
	removed := 0
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, snapshotPrefix) {
			continue // never a file, never a link
		}
		if !snapshotLeftover(name, e) {
			continue
		}
		if os.RemoveAll(filepath.Join(tmp, name)) == nil {
			removed++
		}
	}
	return removed
}

// snapshotLeftover reports whether the snapshot folder name was left by a
// process that is gone.
func snapshotLeftover(name string, e os.DirEntry) bool {
	pidText, _, withPID := strings.Cut(strings.TrimPrefix(name, snapshotPrefix), "-")
	if !withPID {
		// An earlier version's folder (apetitspas-backup-RANDOM).
		fi, err := e.Info()
		return err == nil && time.Since(fi.ModTime()) > oldSnapshotAge
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 || pid == os.Getpid() {
		return false
	}
	return !processAlive(pid)
}
