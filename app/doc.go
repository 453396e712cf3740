// Package app is the heart of À petits pas: accounts, the sign-in state
// machine, passwords, multi-factor authentication, settings and the audit
// journal.
//
// Every security rule is enforced here, so that neither a screen nor the
// command-line tool can bypass it. The package is pure Go: it imports neither
// Fyne nor any SQL driver. Storage is reached through the Store interface
// (implemented by package data) and time through an injected clock.
//
// Errors returned to callers are *Error values carrying a Code and a stable
// Reason key; the faces (screens, command-line tool) turn the Reason into a
// French or English sentence. The domain never formats UI text.
package app
