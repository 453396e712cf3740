// Package linux holds the Linux service's systemd files, embedded in
// apetitspas-admin so that "service install" writes exactly the files a
// package would ship (one source for both, checked by its tests).
package linux

import _ "embed"

// Unit is the systemd unit, apetitspas.service.
//
//go:embed apetitspas.service
var Unit string

// Sysusers is the sysusers.d(5) line of the service's system account.
//
//go:embed apetitspas.sysusers
var Sysusers string
