package screens

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// The sign-in screen may offer the e-mail last used on this computer when
// the administrators turned « Se souvenir du courriel sur cet ordinateur »
// on, and only to the operating system account that signed in last here
// (the service decides: API.RememberEmail). The e-mail is kept in the OS
// account's own configuration folder, in a file its owner alone can read
// (writePrivate); with the setting off it is deleted.

// KeptEmailPath is where the window of this OS account keeps the last
// e-mail: in its configuration folder ("" when there is none).
func KeptEmailPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "apetitspas", "last-email")
}

// keptEmail is the e-mail to offer on the sign-in screen, "" when none may
// be offered.
func (u *UI) keptEmail() string {
	if u.EmailFile == "" {
		return ""
	}
	if on, err := u.api.RememberEmail(context.Background()); err != nil || !on {
		return ""
	}
	b, err := os.ReadFile(u.EmailFile)
	if err != nil || len(b) > apetitspas.MaxEmailLen+2 {
		return ""
	}
	email, err := apetitspas.ValidateEmail(strings.TrimSpace(string(b)))
	if err != nil {
		return ""
	}
	return email
}

// keepEmail keeps the e-mail of a completed sign-in when the setting
// lets the sign-in screen offer it, and deletes a kept one otherwise.
func (u *UI) keepEmail(email string) {
	if u.EmailFile == "" {
		return
	}
	if on, err := u.api.RememberEmail(context.Background()); err != nil || !on {
		u.forgetEmail()
		return
	}
	if err := os.MkdirAll(filepath.Dir(u.EmailFile), 0o700); err != nil {
		return
	}
	_ = writePrivate(u.EmailFile, func(w io.Writer) error {
		_, err := io.WriteString(w, email+"\n")
		return err
	})
}

// forgetEmail deletes the kept e-mail.
func (u *UI) forgetEmail() {
	if u.EmailFile == "" {
		return
	}
	if err := os.Remove(u.EmailFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		_ = os.WriteFile(u.EmailFile, nil, 0o600) // at least empty
	}
}
