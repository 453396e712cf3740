//go:build !unix

package data

// ShareLikeFolder: on Windows the file inherits its folder's permissions
// (set by the installer); nothing to do.
func ShareLikeFolder(path, dir string) error { return nil }
