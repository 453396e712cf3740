//go:build !windows

package main

import "io"

// platformRun: nothing but "run" and --version outside Windows.
func platformRun([]string, io.Writer) (int, bool) { return 0, false }
