package app

// Reasons of the machine-wide place and of moving a daycare into it.
const (
	// ReasonConfigInvalid: the machine-wide configuration file exists but
	// cannot be read or is badly written (Detail: the file; Line: the
	// line). Nothing is opened instead.
	ReasonConfigInvalid = "config_invalid"
)
