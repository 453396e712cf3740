package data

// systemConfigPath is the macOS machine-wide configuration file.
func systemConfigPath() string {
	return "/Library/Application Support/ApetitsPas/config.toml"
}
