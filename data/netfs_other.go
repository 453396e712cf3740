//go:build !linux && !darwin && !windows

package data

// networkFS: no check on other systems (UNC paths are still refused).
func networkFS(dir string) (bool, string) { return false, "" }
