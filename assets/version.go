package assets

// Version and Build identify this release. FyneApp.toml is the one source
// of truth (the Makefile and the installers read it); a test keeps these
// constants equal to it. --version and « À propos » show them.
const (
	Version = "0.1.0"
	Build   = 1
)

// AppID is the application identifier (FyneApp.toml, app.NewWithID).
const AppID = "ca.apetitspas.desktop"
