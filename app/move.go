package app

// Reasons of the machine-wide place and of moving a daycare into it.
const (
	// ReasonConfigInvalid: the machine-wide configuration file exists but
	// cannot be read or is badly written (Detail: the file; Line: the
	// line). Nothing is opened instead.
	ReasonConfigInvalid = "config_invalid"
	// ReasonConfigureNotElevated: "apetitspas-admin configure" writes for
	// every account of the computer: it needs the administrator's rights.
	ReasonConfigureNotElevated = "configure_not_elevated"
	// ReasonGroupMissing: the Unix group named by configure --group does
	// not exist (Detail: its name); the technician creates it first.
	ReasonGroupMissing = "group_missing"
)
