// Command apetitspas-admin is the technician's tool for À petits pas. It
// works on the same database as the application, through the same rules
// (package app), and never imports Fyne.
//
//	apetitspas-admin [--db PATH] users add --role parent|employee|admin --email E --name N   (password on stdin)
//	apetitspas-admin [--db PATH] users list [--json]
//	apetitspas-admin [--db PATH] users import --csv FILE
//	apetitspas-admin [--db PATH] audit [--json]
//	apetitspas-admin --version
//
// The database is, in order: --db, $APETITSPAS_DB, or apetitspas.db in the
// user's configuration folder. Exit codes: 0 done, 1 refused or failed,
// 2 wrong usage.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
