package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// options are the window's command line.
type options struct {
	dbPath   string
	demo     bool
	language string
	version  bool
	service  string
}

// usage is what --help prints: French, then English.
const usage = `À petits pas : l'application de la garderie.

Utilisation : apetitspas [--db CHEMIN | --service ADRESSE] [--demo] [--lang fr|en]
  --db CHEMIN        la base de données : un fichier SQLite, ou postgres://… pour un serveur
                     (sinon $APETITSPAS_DB, la configuration commune, ou le dossier de
                     configuration de l'utilisateur)
  --service ADRESSE  le service local de l'ordinateur : unix:CHEMIN ou pipe:NOM
                     (sinon $APETITSPAS_SERVICE ou la configuration commune)
  --demo             ouvrir la base de démonstration (mots de passe dans le README)
  --lang fr|en       la langue (français par défaut ; aussi $APETITSPAS_LANG)
  --version          afficher la version
  --help             cette aide

À petits pas: the daycare's application.

Usage: apetitspas [--db PATH | --service ADDRESS] [--demo] [--lang fr|en]
  --db PATH          the database: a SQLite file, or postgres://… for a server
                     (else $APETITSPAS_DB, the machine-wide configuration, or the
                     user's configuration folder)
  --service ADDRESS  the computer's local service: unix:PATH or pipe:NAME
                     (else $APETITSPAS_SERVICE or the machine-wide configuration)
  --demo             open the demo database (passwords in the README)
  --lang fr|en       the language (French by default; also $APETITSPAS_LANG)
  --version          print the version
  --help             this help
`

// parseFlags reads the command line. done is true when the program
// should stop at once with exit: 0 after --help, 2 after a wrong option
// (a short message on stderr naming it, and where the help is).
func parseFlags(args []string, langEnv string, stdout, stderr io.Writer) (o options, exit int, done bool) {
	fs := flag.NewFlagSet("apetitspas", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.dbPath, "db", "", "")
	fs.BoolVar(&o.demo, "demo", false, "")
	fs.StringVar(&o.language, "lang", langEnv, "")
	fs.BoolVar(&o.version, "version", false, "")
	fs.StringVar(&o.service, "service", "", "")
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return o, 0, true
	case err != nil:
		fmt.Fprintf(stderr, "apetitspas : %s ; l'aide : apetitspas --help\napetitspas: %s; help: apetitspas --help\n",
			flagProblem(err, "fr"), flagProblem(err, "en"))
		return o, 2, true
	}
	return o, 0, false
}

// flagProblem turns the flag package's error into a short sentence.
func flagProblem(err error, language string) string {
	msg := strings.Map(func(r rune) rune {
		if unicode.IsGraphic(r) {
			return r
		}
		return '?'
	}, err.Error())
	fr := language == "fr"
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		if fr {
			return "option inconnue : --" + name
		}
		return "unknown option: --" + name
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		if fr {
			return "l'option --" + name + " demande une valeur"
		}
		return "the option --" + name + " needs a value"
	}
	// invalid value "x" for flag -db: …, invalid boolean value "x" for -demo: …
	rest, ok := strings.CutPrefix(msg, "invalid value ")
	if !ok {
		rest, ok = strings.CutPrefix(msg, "invalid boolean value ")
	}
	if ok {
		value, flagPart, _ := strings.Cut(strings.Replace(rest, " for flag -", " for -", 1), " for -")
		name, _, _ := strings.Cut(flagPart, ":")
		if fr {
			return "valeur invalide pour --" + name + " : " + value
		}
		return "invalid value for --" + name + ": " + value
	}
	return msg
}
