// Command apetitspas-admin is the technician's tool for À petits pas. It
// works on the same database as the application, through the same rules
// (package app), and never imports Fyne.
//
//	apetitspas-admin [--db PATH] setup --daycare D --email E --name N       (first run only; password on stdin)
//	apetitspas-admin [--db PATH] users add --role R --email E --name N --by ADMIN
//	apetitspas-admin [--db PATH] users import --csv FILE --by ADMIN
//	apetitspas-admin [--db PATH] users role --email E --role R --by ADMIN
//	apetitspas-admin [--db PATH] users reseal --email E --by ADMIN
//	apetitspas-admin [--db PATH] users disable|enable|unlock --email E --by ADMIN
//	apetitspas-admin [--db PATH] users erase [--json] --email E --by ADMIN
//	apetitspas-admin [--db PATH] users list [--json] [--role R]
//	apetitspas-admin [--db PATH] users export --email E --out FILE.json|FILE.pdf|NAME --by ADMIN [--json]
//	apetitspas-admin [--db PATH] audit [--json] [--event CODE] [--person E]
//	apetitspas-admin [--db PATH] audit verify [--json]
//	apetitspas-admin [--db PATH] audit acknowledge --by ADMIN
//	apetitspas-admin [--db PATH] mfa status --email E [--json]
//	apetitspas-admin [--db PATH] mfa reset --email E --by ADMIN [--json]
//	apetitspas-admin [--db PATH] mfa reset --email E --break-glass --reason "…" [--json]
//	apetitspas-admin [--db PATH] mfa reactivation-code --email E --by ADMIN [--json]
//	apetitspas-admin [--db PATH] policy show [--json]
//	apetitspas-admin [--db PATH] policy enforce-staff on|off --by ADMIN [--grace-days N]
//	apetitspas-admin service install [--binary PATH] [--from PATH [--from-keys DIR] | --from-backup FILE]   (Linux, macOS; root)
//	apetitspas-admin service uninstall                                                  (root; keeps the data)
//	apetitspas-admin service status [--json]
//	apetitspas-admin --version
//
// Only the first run (a database without an administrator) and the
// read-only commands (list, audit, audit verify, status, show) take no
// credentials; they go through app.Trusted, which only cmd/ builds. Every
// other change is made by the --by administrator, who gives her password
// on the first line of standard input and her current code on the second
// (empty when her multi-factor sign-in is off; the strong actions need it
// on). "users add" reads the new account's password on a third line, or
// prints a temporary password once. Standard input is bounded: three
// lines at most, 4 KiB a line.
//
// The break-glass reset takes no credentials but the operating system's
// administrator rights (root; an elevated process on Windows), a real
// reason, and no other administrator able to reset normally; it is
// journaled with the OS user's name.
//
// "service install" makes the local service on Linux and macOS (on
// Windows the installer does): its system account, its program, its
// systemd unit or launchd daemon, its data folder readable by that
// account only, the daycare already on the computer adopted into it
// (data.adopted), and the machine-wide configuration's service line.
//
// Names, e-mails and journal details are printed with control and
// invisible characters escaped (\x1b, \u202e), never raw.
//
// The database is, in order: --db, $APETITSPAS_DB, the machine-wide
// configuration file (see configure), or apetitspas.db in the user's
// configuration folder (data.Locate). Messages are in French, in English with
// --lang en or APETITSPAS_LANG=en. Exit codes: 0 done, 1 refused or
// failed (audit verify: something was found), 2 wrong usage.
//
// --help, -h and help print the whole help; after a command or a group
// ("users --help") its lines only. A wrong usage says what is wrong in a
// line (« il manque la sous-commande », « sous-commande inconnue »,
// « option inconnue ») followed by the help's lines of that group or
// command, never the whole help (usage.go).
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
