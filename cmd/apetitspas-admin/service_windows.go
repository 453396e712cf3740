package main

// On Windows the installer installs, starts and removes the local service
// (and its account); the tool only says so.

const managerFlag = "sc"

func defaultServiceLayout() serviceLayout { return serviceLayout{} }

func (c *cli) serviceInstall(f serviceFlags) int   { return c.refuse("cli.service_windows", nil) }
func (c *cli) serviceUninstall(f serviceFlags) int { return c.refuse("cli.service_windows", nil) }
func (c *cli) serviceStatus(f serviceFlags) int    { return c.refuse("cli.service_windows", nil) }
