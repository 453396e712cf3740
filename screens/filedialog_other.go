//go:build !linux && !windows && !darwin

package screens

// systemFiles: none known here; Fyne's dialog.
func systemFiles() osFiles { return nil }
