//go:build !linux && !darwin && !windows

package main

import "runtime"

// The local service is installed on Linux, macOS (this tool) and Windows
// (the installer) only.

const managerFlag = "manager"

func defaultServiceLayout() serviceLayout { return serviceLayout{} }

func (c *cli) serviceInstall(f serviceFlags) int   { return c.unsupported() }
func (c *cli) serviceUninstall(f serviceFlags) int { return c.unsupported() }
func (c *cli) serviceStatus(f serviceFlags) int    { return c.unsupported() }

func (c *cli) unsupported() int {
	return c.refuse("cli.service_unsupported", map[string]any{"OS": runtime.GOOS})
}
