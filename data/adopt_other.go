//go:build !unix

package data

import "github.com/apetitspas/apetitspas/app"

// userKeyFiles: on Windows the service's installer adopts (ACLs, not
// owners, protect a user's key files): her key files as the user's own
// key ring reads them.
func userKeyFiles(dir, db string) (app.KeyRing, error) { return NewKeyRing(dir, false), nil }
