package assets

// Version is the application version. FyneApp.toml carries the same value
// (a test keeps them equal); --version prints it.
const Version = "0.1.0"

// AppID is the application identifier (FyneApp.toml, app.NewWithID).
const AppID = "ca.apetitspas.desktop"
