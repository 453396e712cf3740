//go:build unix

package data

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// configProblems lists what lets an account other than root (or the
// current user) change the machine-wide configuration file at path, whose
// opened file fi describes: every account of the computer, root's tool
// included, goes where that file says, so whoever may write it (or replace
// it) may point them all at her own database and key.
//
// The rule, for the file and for every folder above it (as spelled and as
// its symbolic links lead):
//   - its owner is root (uid 0) or the current user: a user who writes her
//     own configuration (APETITSPAS_CONFIG, a test) only fools herself;
//   - the file: no write bit for others, and none for its group unless
//     the group is root's (gid 0);
//   - a folder: the same, except that a folder others may write into is
//     accepted with the sticky bit (/tmp): there nobody but its owner may
//     rename or remove the file, or a folder, it holds.
func configProblems(path string, fi fs.FileInfo) ([]string, error) {
	var problems []string
	if p := configOwnerProblem("configuration file "+path, fi); p != "" {
		problems = append(problems, p)
	}
	if w := configWriters(fi); w != "" {
		problems = append(problems, fmt.Sprintf("configuration file %s has mode %04o (%s can write it)", path, fi.Mode().Perm(), w))
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	dirs := ancestors(filepath.Dir(abs))
	if real, err := filepath.EvalSymlinks(abs); err == nil && real != abs {
		dirs = append(dirs, ancestors(filepath.Dir(real))...)
	}
	seen := map[string]bool{}
	for _, dir := range dirs {
		if seen[dir] {
			continue
		}
		seen[dir] = true
		dfi, err := os.Stat(dir)
		if err != nil {
			return nil, err
		}
		if p := configOwnerProblem("folder "+dir, dfi); p != "" {
			problems = append(problems, p)
		}
		if w := configWriters(dfi); w != "" && dfi.Mode()&fs.ModeSticky == 0 {
			problems = append(problems, fmt.Sprintf("folder %s has mode %04o (%s can replace what it holds)", dir, dfi.Mode().Perm(), w))
		}
	}
	return problems, nil
}

// ancestors is dir and every folder above it, up to the root.
func ancestors(dir string) []string {
	var out []string
	for {
		out = append(out, dir)
		up := filepath.Dir(dir)
		if up == dir {
			return out
		}
		dir = up
	}
}

// configOwnerProblem: what (fi) must belong to root or the current user.
func configOwnerProblem(what string, fi fs.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return what + ": owner unknown"
	}
	if uid := int(st.Uid); uid != 0 && uid != os.Geteuid() {
		return fmt.Sprintf("%s belongs to uid %d, neither root nor %d", what, uid, os.Geteuid())
	}
	return ""
}

// configWriters names who besides the owner may write fi ("" nobody):
// others, or a group other than root's.
func configWriters(fi fs.FileInfo) string {
	perm := fi.Mode().Perm()
	if perm&0o002 != 0 {
		return "every account"
	}
	if perm&0o020 != 0 {
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok || st.Gid != 0 {
			gid := -1
			if ok {
				gid = int(st.Gid)
			}
			return fmt.Sprintf("group %d", gid)
		}
	}
	return ""
}
