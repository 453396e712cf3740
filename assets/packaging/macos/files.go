// Package macos holds the macOS service's launchd file, embedded in
// apetitspas-admin so that "service install" writes exactly the file the
// macOS package ships.
package macos

import _ "embed"

// Plist is the LaunchDaemon, ca.apetitspas.service.plist.
//
//go:embed ca.apetitspas.service.plist
var Plist string
