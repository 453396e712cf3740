//go:build !windows && !darwin

package data

// systemConfigPath is the machine-wide configuration file of Linux and
// the other Unix systems.
func systemConfigPath() string { return "/etc/apetitspas/config.toml" }
