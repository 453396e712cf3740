package data

import (
	"os"
	"path/filepath"
)

// systemConfigPath is %ProgramData%\ApetitsPas\config.toml.
func systemConfigPath() string {
	dir := os.Getenv("ProgramData")
	if dir == "" {
		dir = `C:\ProgramData`
	}
	return filepath.Join(dir, "ApetitsPas", "config.toml")
}
