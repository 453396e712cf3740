//go:build windows || darwin

package screens

import (
	"errors"
	"strings"

	"github.com/sqweek/dialog"
)

// On Windows and macOS the system's own dialogs (sqweek/dialog: the
// common dialogs through syscalls, Cocoa's panels).
func systemFiles() osFiles { return sqweekFiles{} }

type sqweekFiles struct{}

func (sqweekFiles) file(title string, kind fileKind) *dialog.FileBuilder {
	b := dialog.File().Title(title).SetStartDir(startDir())
	var exts []string
	for _, x := range kind.exts {
		exts = append(exts, strings.TrimPrefix(x, "."))
	}
	return b.Filter(kind.name(), exts...)
}

func (s sqweekFiles) save(title, name string, kind fileKind) (string, error) {
	return answer(s.file(title, kind).SetStartFile(name).Save())
}

func (s sqweekFiles) open(title string, kind fileKind) (string, error) {
	return answer(s.file(title, kind).Load())
}

func (sqweekFiles) folder(title string) (string, error) {
	return answer(dialog.Directory().Title(title).SetStartDir(startDir()).Browse())
}

// answer turns sqweek's ErrCancelled into "".
func answer(path string, err error) (string, error) {
	if errors.Is(err, dialog.ErrCancelled) {
		return "", nil
	}
	return path, err
}
