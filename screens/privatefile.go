package screens

import (
	"io"

	"fyne.io/fyne/v2"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// A file that holds secrets (the recovery codes) is written readable by
// its owner only, replacing whatever the save dialog made:
// apetitspas.WritePrivateFile (0600 on Unix, an owner-only protected ACL
// on Windows), shared with the tool.

// localPath is the path of a file URI on this computer.
func localPath(u fyne.URI) (string, bool) {
	if u == nil || u.Scheme() != "file" || u.Path() == "" {
		return "", false
	}
	return u.Path(), true
}

// writePrivate writes path through write, readable by its owner only.
func writePrivate(path string, write func(io.Writer) error) error {
	return apetitspas.WritePrivateFile(path, write)
}
