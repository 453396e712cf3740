package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
	"github.com/apetitspas/apetitspas/cmd/internal/rpc"
	"github.com/apetitspas/apetitspas/data"
)

// Exit codes.
const (
	exitOK      = 0
	exitRefused = 1
	exitUsage   = 2
)

// cli carries what every command needs.
type cli struct {
	in             *input
	stdout, stderr io.Writer
	language       string
	dbPath         string
	// service is --service: the local service to talk to (see
	// data.ServiceFor).
	serviceAddr string
	// cmd is the command being run, as the help writes it ("users list"):
	// a wrong usage prints its lines of the help.
	cmd string
}

// clock is the services' clock: nil for the real one (tests set a fake
// one to get a fresh code whenever they need it).
var clock func() time.Time

// usage is the whole help, printed by --help, -h and help, and when the
// tool is run without a command (French, then English). Its lines
// "  apetitspas-admin [--db …] GROUP SUB …", with their continuation lines
// (8 spaces), are also what a wrong usage of one command or group prints
// (usage.go): keep that shape.
const usage = `apetitspas-admin : outil du technicien pour À petits pas / technician's tool

Utilisation / usage:
  apetitspas-admin [--db CHEMIN] setup --daycare NOM_DU_SERVICE --email COURRIEL --name NOM
        (première utilisation seulement, base sans administrateur : le premier administrateur ;
         son mot de passe sur l'entrée standard /
         first run only, no administrator yet: the first administrator; password on stdin)

  Pour modifier quoi que ce soit, --by ADMIN et, sur l'entrée standard, le mot de passe
  de ADMIN (1re ligne) puis son code à 6 chiffres (2e ligne, vide si son AMF n'est pas activée).
  Every change needs --by ADMIN and, on stdin, ADMIN's password (line 1) then ADMIN's
  current 6-digit code (line 2, empty when ADMIN's MFA is off).
  Créer ou promouvoir un administrateur, toucher au compte d'un autre administrateur, réinitialiser
  une AMF, rétablir un compte et la politique d'AMF demandent que l'AMF de ADMIN soit activée.
  Creating or promoting an administrator, acting on another administrator, MFA resets, reseal
  and the staff policy need ADMIN's own MFA on.

  apetitspas-admin [--db CHEMIN] users add --role parent|employee|admin --email COURRIEL --name NOM --by ADMIN
        (3e ligne : le mot de passe du nouveau compte ; sans 3e ligne, un mot de passe temporaire
         est affiché une seule fois, à changer à la première connexion /
         line 3: the new account's password; without it a temporary password is printed once,
         to be changed at first sign-in)
  apetitspas-admin [--db CHEMIN] users import --csv FICHIER --by ADMIN
        (colonnes rôle;courriel;nom, en-têtes dans n'importe quel ordre, points-virgules ou virgules,
         UTF-8 ou Windows-1252 comme l'enregistre Excel / columns role,email,name, headers in any
         order, semicolons or commas, UTF-8 or Windows-1252 as Excel saves it)
  apetitspas-admin [--db CHEMIN] users role --email COURRIEL --role parent|employee|admin --by ADMIN
  apetitspas-admin [--db CHEMIN] users reseal --email COURRIEL --by ADMIN
        (compte modifié hors de l'application : accepter son état actuel après l'avoir examiné ;
         affiche un mot de passe temporaire une seule fois /
         account changed outside the app: accept its current state after looking at it;
         prints a temporary password once)
  apetitspas-admin [--db CHEMIN] users disable|enable|unlock --email COURRIEL --by ADMIN
  apetitspas-admin [--db CHEMIN] users erase [--json] --email COURRIEL --by ADMIN
        (efface les données de la personne : son compte part, le journal reste vérifiable et la nomme
         « Personne effacée (n° N) » / erases the person's data: her account goes, the journal stays
         verifiable and names her by her number)
  apetitspas-admin [--db CHEMIN] users list [--json] [--role ROLE]
  apetitspas-admin [--db CHEMIN] users export --email COURRIEL --out FICHIER.json|FICHIER.pdf|NOM --by ADMIN [--json]
        (les données d'une personne (Loi 25) : son compte, son AMF et les événements du journal qui la
         concernent, en JSON et en PDF ; NOM sans extension : NOM.json et NOM.pdf ; fichiers lisibles par
         leur propriétaire seulement ; inscrit au journal /
         a person's data: her account, her MFA and the journal's events about her, as JSON and PDF;
         NAME without extension: NAME.json and NAME.pdf; files readable by their owner only; journaled)
  apetitspas-admin [--db CHEMIN] audit [--json] [--event CODE] [--person COURRIEL]
  apetitspas-admin [--db CHEMIN] audit verify [--json]
        (vérifie les comptes, le journal et les réglages ; code de sortie 1 si quelque chose a été modifié
         en dehors de l'application / checks accounts, journal and settings; exit code 1 when anything
         was changed outside the app)
  apetitspas-admin [--db CHEMIN] audit acknowledge --by ADMIN
  apetitspas-admin [--db CHEMIN] audit acknowledge --break-glass --reason "raison"
        (un administrateur a examiné ce que « audit verify » a trouvé / an administrator has looked
         at what "audit verify" found)
  apetitspas-admin [--db CHEMIN] report mfa --out FICHIER.pdf|FICHIER.csv --by ADMIN
        (le rapport AMF du personnel pour le conseil d'administration, en PDF (Lettre) ou en CSV
         (tableur, fr-CA) selon l'extension ; fichier lisible par son propriétaire seulement /
         the staff's MFA report for the board, as PDF (Letter) or CSV (spreadsheet) by the file's
         extension; the file is readable by its owner only)
  apetitspas-admin [--db CHEMIN] mfa status --email COURRIEL [--json]
  apetitspas-admin [--db CHEMIN] mfa reset --email CIBLE --by ADMIN [--json]
  apetitspas-admin [--db CHEMIN] mfa reset --email CIBLE --break-glass --reason "raison" [--json]
        (urgence : droits d'administrateur de l'ordinateur (root ou « Exécuter en tant
         qu'administrateur »), une vraie raison, et aucun autre administrateur avec l'AMF ;
         inscrit au journal avec le compte du système et signalé aux administrateurs /
         emergency: needs the computer's administrator rights, a real reason, and no other
         administrator with MFA on; journaled with the OS account and shown to administrators)
        (chaque réinitialisation affiche un code de réactivation à usage unique, valide 7 jours, à
         remettre en personne : demandé à la connexion suivante, avant le code QR /
         each reset prints a one-time reactivation code, valid 7 days, to hand over in person)
  apetitspas-admin [--db CHEMIN] mfa reactivation-code --email CIBLE --by ADMIN [--json]
        (un nouveau code de réactivation ; l'ancien ne fonctionne plus / a new reactivation code)
  apetitspas-admin [--db CHEMIN] policy show [--json]
  apetitspas-admin [--db CHEMIN] policy enforce-staff on|off --by ADMIN [--grace-days N]
  apetitspas-admin [--db CHEMIN] retention show [--json] --by ADMIN
  apetitspas-admin [--db CHEMIN] retention set [--disabled-months N] [--journal-years N] --by ADMIN
        (Conservation des renseignements : les comptes désactivés depuis plus de N mois sont proposés à
         l'effacement ; les lignes du journal de plus de N ans sont pseudonymisées chaque jour ; une valeur
         non donnée garde la valeur en vigueur / Retention: accounts disabled for more than N months are
         listed for erasure; journal rows older than N years are pseudonymised daily; a value not given
         keeps the one in force)
  apetitspas-admin [--db CHEMIN] retention erase --all|--email COURRIEL [--email COURRIEL …] --by ADMIN [--json]
        (efface les comptes désactivés depuis plus que le délai, chacun comme « users erase » ; un refus
         n'arrête pas les autres (code de sortie 1) / erases the accounts disabled for longer than the
         delay, each as "users erase" does; a refusal does not stop the others (exit code 1))
  apetitspas-admin [--db CHEMIN] incidents list [--json] --by ADMIN
        (le registre des incidents de confidentialité : brouillons ouverts par une détection (n° de
         détection), entrées (n°), brouillons écartés / the register of confidentiality incidents:
         drafts opened by a detection (detection number), entries (number), dismissed drafts)
  apetitspas-admin [--db CHEMIN] incidents record [--source N | --number N] --by ADMIN [--json]
        [--information TEXTE] [--circumstances TEXTE] [--period TEXTE] [--known-on AAAA-MM-JJ]
        [--people N] [--risk to_assess|serious|not_serious] [--assessment TEXTE]
        [--cai-notified AAAA-MM-JJ] [--people-notified AAAA-MM-JJ] [--measures TEXTE]
        (une nouvelle entrée, un brouillon complété (--source) ou une entrée modifiée (--number : les
         champs non donnés gardent leur valeur) ; renseignements, circonstances et date de connaissance
         requis / a new entry, a draft completed (--source) or an entry changed (--number: fields not
         given keep their value); information, circumstances and the date it became known are required)
  apetitspas-admin [--db CHEMIN] incidents dismiss --source N --reason "raison" --by ADMIN
        (ce brouillon n'était pas un incident : la raison reste au registre / this draft was no
         incident: the reason stays in the register)
  apetitspas-admin [--db CHEMIN] incidents export --out FICHIER.pdf|FICHIER.csv --by ADMIN
        (le registre en PDF ou en CSV, lisible par son propriétaire seulement / the register as PDF or
         CSV, readable by its owner only)
  apetitspas-admin [--db CHEMIN] backup --out FICHIER --by ADMIN
        (3e ligne : une phrase de passe d'au moins 12 caractères ; la base et sa clé, chiffrées (age) /
         line 3: a passphrase of 12 characters or more; the database and its key, encrypted (age))
  apetitspas-admin [--db CHEMIN] restore --from FICHIER
        (1re ligne : la phrase de passe ; jamais par-dessus une base existante /
         line 1: the passphrase; never over an existing database)
  apetitspas-admin [--db CHEMIN] keys replace --by ADMIN
        (clé introuvable : 1re ligne le mot de passe de ADMIN, 2e ligne un de ses codes de récupération ;
         chaque code garde une copie de la clé, qui revient : personne n'a à refaire son AMF /
         key missing: line 1 ADMIN's password, line 2 one of her recovery codes; each code holds
         a copy of the key, which comes back: nobody sets up MFA again)
  apetitspas-admin [--db CHEMIN] keys replace --break-glass --reason "raison" [--recovery-codes-lost] [--json | --codes-out FICHIER]
        (dernier recours, droits d'administrateur de l'ordinateur : une nouvelle clé, chaque AMF à refaire ;
         refusé tant qu'un administrateur a des codes de récupération inutilisés, sauf avec
         --recovery-codes-lost : « plus personne n'a ces codes », inscrit au journal ;
         affiche le code de réactivation de chaque personne, à remettre en personne
         (--codes-out : dans FICHIER, lisible par son propriétaire seul) /
         last resort, the computer's administrator rights: a new key, every MFA to set up again;
         refused while an administrator has unused recovery codes, unless --recovery-codes-lost says
         nobody has them any more, which is journaled; prints each person's reactivation code,
         to hand over in person (--codes-out: into FILE, readable by its owner only))
  apetitspas-admin [--db CHEMIN] keys export --out FICHIER --by ADMIN
        (la clé seule, pour un autre ordinateur de la garderie ; 3e ligne : une phrase de passe /
         the key alone, for another computer of the daycare; line 3: a passphrase)
  apetitspas-admin [--db CHEMIN] keys import --from FICHIER
        (1re ligne : la phrase de passe / line 1: the passphrase)
  apetitspas-admin --db postgres://PROPRIÉTAIRE@SERVEUR/BASE db migrate --app-role ROLE
        (PostgreSQL : crée ou met à jour le schéma avec le rôle propriétaire et donne à ROLE, le rôle
         de l'application, exactement les droits dont elle a besoin /
         PostgreSQL: creates or updates the schema as the owner role and grants ROLE, the app's role,
         exactly what the app needs)
  apetitspas-admin [--db CHEMIN] db move --to postgres://ROLE@SERVEUR/BASE
        (déménage la garderie du fichier SQLite vers la base vide préparée par « db migrate » : tout
         ou rien, vérifiée avec la clé de cet ordinateur ; le fichier n'est pas modifié /
         moves the daycare from the SQLite file into the empty database "db migrate" prepared: all or
         nothing, verified with this computer's key; the file is left untouched)
  apetitspas-admin --db CHEMIN|URL configure [--group NOM] [--key-dir DOSSIER]
        (un seul service de garde pour tous les comptes de cet ordinateur : écrit la configuration
         commune, prépare le dossier des données et celui de la clé ; root ou « Exécuter en tant
         qu'administrateur » ; sous Unix, le groupe NOM (apetitspas par défaut) doit exister et
         chaque compte qui utilise l'application en fait partie /
         one daycare for every account of this computer: writes the machine-wide configuration,
         prepares the data and key folders; root or an elevated prompt; on Unix the group NAME
         (default apetitspas) must exist and every account using the app belongs to it)
  apetitspas-admin move --by ADMIN [--from CHEMIN]
        (la garderie de la base propre à ce compte (ou --from) va dans la place commune de la
         configuration, jamais par-dessus une garderie ; comme l'application le propose au démarrage /
         this account's own daycare (or --from) moves into the machine-wide place, never over a
         daycare; as the app offers at start-up)
  apetitspas-admin service install [--binary CHEMIN] [--from CHEMIN [--from-keys DOSSIER] | --from-backup FICHIER]
        (Linux et macOS, root : le service local, seul à ouvrir la base et la clé, sous un compte à lui
         (apetitspas, _apetitspas sous macOS) ; son dossier des données n'est lisible que par ce compte ;
         la garderie déjà sur l'ordinateur (configuration commune, sinon --from ou la base de l'utilisateur
         qui lance sudo) y est reprise, jamais par-dessus une garderie ; la configuration commune nomme
         ensuite le service ; --from-backup FICHIER : une sauvegarde (phrase de passe sur la 1re ligne)
         devient la garderie du service (nouvel ordinateur). Sous Windows, l'installateur le fait /
         Linux and macOS, root: the local service, alone opening the database and the key, under an
         account of its own; its data folder is readable by that account only; the daycare already on
         the computer (machine-wide configuration, else --from or the sudo user's own) is adopted into
         it, never over a daycare; the machine-wide configuration then names the service;
         --from-backup FILE: a backup (passphrase on line 1) becomes the service's daycare (a new
         computer). On Windows, the installer does it)
  apetitspas-admin service uninstall
        (arrête et retire le service ; garde ses données / stops and removes the service; keeps its data)
  apetitspas-admin service status [--json]
  apetitspas-admin --version

Base de données / database: --db, sinon / else $APETITSPAS_DB, sinon / else la configuration
commune (configure) / the machine-wide configuration, sinon / else le dossier de configuration
de l'utilisateur / the user's config folder. Un serveur PostgreSQL
s'écrit / a PostgreSQL server is written
postgres://ROLE:MOT_DE_PASSE@SERVEUR/BASE?sslmode=verify-full&sslrootcert=CA.pem
Service : --service unix:CHEMIN|pipe:NOM, sinon / else $APETITSPAS_SERVICE, sinon / else la ligne
service de la configuration commune / the machine-wide configuration's service line : l'outil parle
alors au service local, seul à ouvrir la base et la clé (sauf --db) / the tool then talks to the local
service, the only program that opens the database and the key (unless --db).
Langue / language: --lang en ou / or $APETITSPAS_LANG=en (français par défaut / French by default).
Entrée standard / stdin: 3 lignes au plus, 4 Kio par ligne ; une ligne de plus que ce que la commande lit
est refusée (code 2) / 3 lines at most, 4 KiB a line; a line more than the command reads is refused (exit 2).
Codes de sortie / exit codes: 0 ok, 1 refusé / refused, 2 utilisation / usage.
`

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{in: newInput(stdin), stdout: stdout, stderr: stderr, language: assets.Normalize(os.Getenv("APETITSPAS_LANG"))}
	// Global options may come anywhere: pull --db, --lang, --version and
	// --help out.
	var rest []string
	help := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(a, "=")
		switch name {
		case "--db", "-db", "--lang", "-lang", "--service", "-service":
			if !hasValue {
				if i+1 >= len(args) {
					return c.usageError(c.text("cli.option_needs_value", map[string]any{"Option": "--" + strings.TrimLeft(name, "-")}))
				}
				i++
				value = args[i]
			}
			switch strings.TrimLeft(name, "-") {
			case "db":
				c.dbPath = value
			case "service":
				c.serviceAddr = value
			default:
				c.language = assets.Normalize(value)
			}
		case "--version", "-version":
			fmt.Fprintf(stdout, "apetitspas-admin %s (build %d)\n", assets.Version, assets.Build)
			return exitOK
		case "--help", "-help", "-h":
			help = true
		default:
			rest = append(rest, a)
		}
	}
	if len(rest) > 0 && rest[0] == "help" {
		help, rest = true, rest[1:]
	}
	command, problem := c.command(rest)
	switch {
	case help && command == "":
		fmt.Fprint(stdout, usage)
		return exitOK
	case help:
		// "users --help", "users list --help": that group's or command's lines.
		subs, _ := subcommands(command)
		c.printUsageOf(stdout, command, len(subs) > 0)
		return exitOK
	case len(rest) == 0:
		fmt.Fprint(stderr, usage)
		return exitUsage
	case problem != "":
		fmt.Fprintln(stderr, "apetitspas-admin:", problem)
		if command != "" {
			c.printUsageOf(stderr, command, true)
		} else {
			fmt.Fprintln(stderr, c.text("cli.commands", map[string]any{"Commands": strings.Join(commands(), ", ")}))
			fmt.Fprintln(stderr, assets.Message(c.language, "cli.usage_more", nil))
		}
		return exitUsage
	}
	c.cmd = command
	sub := ""
	if len(rest) > 1 {
		sub = rest[1]
	}
	switch rest[0] + " " + sub {
	case "users add":
		return c.usersAdd(rest[2:])
	case "users list":
		return c.usersList(rest[2:])
	case "users export":
		return c.usersExport(rest[2:])
	case "users import":
		return c.usersImport(rest[2:])
	case "users role":
		return c.usersRole(rest[2:])
	case "users reseal":
		return c.usersReseal(rest[2:])
	case "users erase":
		return c.usersErase(rest[2:])
	case "users disable", "users enable", "users unlock":
		return c.usersChange(sub, rest[2:])
	case "mfa reset":
		return c.mfaReset(rest[2:])
	case "report mfa":
		return c.reportMFA(rest[2:])
	case "mfa status":
		return c.mfaStatus(rest[2:])
	case "mfa reactivation-code":
		return c.mfaReactivation(rest[2:])
	case "policy show":
		return c.policyShow(rest[2:])
	case "retention show":
		return c.retentionShow(rest[2:])
	case "retention set":
		return c.retentionSet(rest[2:])
	case "retention erase":
		return c.retentionErase(rest[2:])
	case "incidents list":
		return c.incidentsList(rest[2:])
	case "incidents record":
		return c.incidentsRecord(rest[2:])
	case "incidents dismiss":
		return c.incidentsDismiss(rest[2:])
	case "incidents export":
		return c.incidentsExport(rest[2:])
	case "policy enforce-staff":
		return c.policyEnforce(rest[2:])
	case "audit verify":
		return c.auditVerify(rest[2:])
	case "audit acknowledge":
		return c.auditAcknowledge(rest[2:])
	case "keys replace":
		return c.keysReplace(rest[2:])
	case "keys export":
		return c.keysExport(rest[2:])
	case "keys import":
		return c.keysImport(rest[2:])
	case "db migrate":
		return c.dbMigrate(rest[2:])
	case "db move":
		return c.dbMove(rest[2:])
	case "service install", "service uninstall", "service status":
		return c.service(sub, rest[2:])
	}
	switch rest[0] {
	case "setup":
		return c.setup(rest[1:])
	case "configure":
		return c.configure(rest[1:])
	case "move":
		return c.move(rest[1:])
	case "backup":
		return c.backup(rest[1:])
	case "restore":
		return c.restore(rest[1:])
	case "audit":
		return c.audit(rest[1:])
	}
	// A command of the help that is not dispatched above (a test runs
	// every one).
	fmt.Fprintln(stderr, "apetitspas-admin:", c.text("cli.unknown_command", map[string]any{"Command": command}))
	return exitUsage
}

// command names what rest asks for, as the help writes it ("users list",
// "setup", "audit"), or says what is wrong with it: an unknown command
// (command is then empty), a group without its sub-command or with an
// unknown one (command is then the group).
func (c *cli) command(rest []string) (command, problem string) {
	if len(rest) == 0 {
		return "", ""
	}
	group := rest[0]
	subs, bare := subcommands(group)
	if len(subs) == 0 {
		if !slices.Contains(commands(), group) {
			return "", c.text("cli.unknown_command", map[string]any{"Command": group})
		}
		return group, ""
	}
	sub := ""
	if len(rest) > 1 && !strings.HasPrefix(rest[1], "-") {
		sub = rest[1]
	}
	switch {
	case sub == "" && bare:
		return group, ""
	case sub == "":
		return group, c.text("cli.missing_subcommand", map[string]any{"Command": group + " " + strings.Join(subs, "|")})
	case !slices.Contains(subs, sub):
		return group, c.text("cli.unknown_subcommand", map[string]any{"Command": group + " " + sub})
	}
	return group + " " + sub, ""
}

// usageError prints msg, then the help's lines about the command being
// run (or where the help is), and returns exitUsage.
func (c *cli) usageError(msg string) int {
	if msg != "" {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", msg)
	}
	c.printUsageOf(c.stderr, c.cmd, false)
	return exitUsage
}

// fail prints an app error as a sentence and returns exitRefused.
func (c *cli) fail(err error) int {
	fmt.Fprintln(c.stderr, "apetitspas-admin:", c.message(err))
	return exitRefused
}

// say prints a sentence of the chosen language to standard output; the
// values in data are made safe for the terminal.
func (c *cli) say(key string, data map[string]any) {
	fmt.Fprintln(c.stdout, c.text(key, data))
}

// text is the sentence of key with data made safe for the terminal.
func (c *cli) text(key string, data map[string]any) string {
	for k, v := range data {
		if s, ok := v.(string); ok {
			data[k] = safe(s)
		}
	}
	return assets.Message(c.language, key, data)
}

// message turns an error into a sentence in the chosen language.
func (c *cli) message(err error) string {
	key, data := assets.ErrorKey(c.language, err)
	for k, v := range data {
		if str, ok := v.(string); ok {
			data[k] = safe(str)
		}
	}
	var e *apetitspas.Error
	errors.As(err, &e)
	msg := assets.Message(c.language, key, data)
	if e != nil && e.Line > 0 {
		msg = assets.Message(c.language, "cli.line", map[string]any{"Line": e.Line}) + " " + msg
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) && (errors.Is(pe.Err, csv.ErrBareQuote) || errors.Is(pe.Err, csv.ErrQuote)) {
		msg += " " + assets.Message(c.language, "cli.csv_quote", map[string]any{"Column": pe.Column})
	}
	if e != nil && e.Reason == apetitspas.ReasonCSVInvalid && e.Detail != "" {
		msg += " (" + safe(e.Detail) + ")"
	}
	return msg
}

// flags parses command flags, reporting usage errors.
func (c *cli) flags(name string, args []string, define func(fs *flag.FlagSet)) (ok bool) {
	_, ok = c.flagSet(name, args, define)
	return ok
}

// flagSet is flags, with the parsed set (its Visit tells which were given).
func (c *cli) flagSet(name string, args []string, define func(fs *flag.FlagSet)) (*flag.FlagSet, bool) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	define(fs)
	if err := fs.Parse(args); err != nil {
		c.usageError(name + ": " + c.flagProblem(err))
		return nil, false
	}
	if fs.NArg() > 0 {
		c.usageError(name + ": " + c.text("cli.extra_argument", map[string]any{"Argument": fs.Arg(0)}))
		return nil, false
	}
	return fs, true
}

// flagProblem turns the flag package's error into a sentence.
func (c *cli) flagProblem(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return c.text("cli.unknown_option", map[string]any{"Option": "--" + name})
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return c.text("cli.option_needs_value", map[string]any{"Option": "--" + name})
	}
	// invalid value "x" for flag -grace-days: …, invalid boolean value "x" for -json: …
	rest, ok := strings.CutPrefix(msg, "invalid value ")
	if !ok {
		rest, ok = strings.CutPrefix(msg, "invalid boolean value ")
	}
	if ok {
		value, option, _ := strings.Cut(strings.Replace(rest, " for flag -", " for -", 1), " for -")
		option, _, _ = strings.Cut(option, ":")
		return c.text("cli.option_bad_value", map[string]any{"Option": "--" + option, "Value": value})
	}
	return safe(msg)
}

// open returns the API and the technician's operations without a
// sign-in: the local service's, when --service, $APETITSPAS_SERVICE or the
// machine-wide configuration names one (and no --db asks for a file);
// otherwise the database opened in-process (an embedded daycare: its
// files are this OS account's). Every call takes c.ctx().
func (c *cli) open() (apetitspas.API, apetitspas.Technician, func(), error) {
	if c.dbPath == "" || c.serviceAddr != "" {
		addr, named, err := data.ServiceFor(c.serviceAddr)
		if err != nil {
			return nil, nil, nil, err
		}
		if named {
			cl, err := rpc.NewClient(addr.String())
			if err != nil {
				return nil, nil, nil, err
			}
			return cl, cl.Technician(), cl.Close, nil
		}
	}
	svc, done, err := c.openService()
	if err != nil {
		return nil, nil, nil, err
	}
	api := apetitspas.NewLocal(svc, true)
	return api, api.Technician(), done, nil
}

// openService opens the database for the commands that work on its files
// (restore, keys import, moves): the service itself, not the API.
func (c *cli) openService() (*apetitspas.Service, func(), error) {
	place, err := c.place()
	if err != nil {
		return nil, nil, err
	}
	db, err := data.Open(place.DB)
	if err != nil {
		return nil, nil, err
	}
	svc := apetitspas.New(apetitspas.Params{Store: db, Keys: place.KeyRing(), Now: clock, Witness: data.OwnWitness()})
	return svc, func() { db.Close() }, nil
}

// ctx is the context of every call: it carries the operating system
// account that runs the tool (a service learns it from the socket
// instead, and ignores this).
func (c *cli) ctx() context.Context {
	return apetitspas.WithCaller(context.Background(), currentOSUser())
}

// credentials are what a command that changes something reads on standard
// input: the acting administrator's password and code, and for some
// commands a third line.
type credentials struct {
	password, code string
	third          string
}

// readCredentials reads the --by administrator's password (line 1, not
// empty), code (line 2, may be empty) and, when third is set, line 3. It
// reads everything before the database is opened; ok is false after a
// message was printed.
func (c *cli) readCredentials(third bool) (cr credentials, exit int, ok bool) {
	var err error
	var got bool
	if cr.password, got, err = c.in.line(); err != nil {
		return cr, c.fail(err), false
	}
	if !got || cr.password == "" {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", assets.Message(c.language, "cli.no_credentials", nil))
		return cr, exitRefused, false
	}
	if cr.code, _, err = c.in.line(); err != nil {
		return cr, c.fail(err), false
	}
	cr.code = strings.TrimSpace(cr.code)
	if third {
		if cr.third, _, err = c.in.line(); err != nil {
			return cr, c.fail(err), false
		}
	}
	if !c.inputEnds() {
		return cr, exitUsage, false
	}
	return cr, exitOK, true
}

// inputEnds checks that standard input holds nothing after the lines the
// command has read; otherwise it prints a usage error (the technician's
// script is wrong) and returns false, before anything is opened or changed.
func (c *cli) inputEnds() bool {
	if !c.in.extra() {
		return true
	}
	n := c.in.read
	c.usageError(fmt.Sprintf("l'entrée standard a plus de lignes que cette commande n'en lit (%d) : rien n'a été fait, vérifiez le script / "+
		"standard input has more lines than this command reads (%d): nothing was done, check the script", n, n))
	return false
}

// signIn opens the database and checks the --by administrator's
// credentials. The sign-in's code, accepted a moment ago, confirms a
// strong action that follows at once (the services are called with an
// empty code). h is nil after a refusal, with its exit code; otherwise
// the caller calls done when finished.
func (c *cli) signIn(by string, cr credentials) (api apetitspas.API, tech apetitspas.Technician, h *apetitspas.Handle, done func(), exit int) {
	api, tech, done, err := c.open()
	if err != nil {
		return nil, nil, nil, nil, c.fail(err)
	}
	h, err = api.SignInAdmin(c.ctx(), by, cr.password, cr.code)
	if err != nil {
		done()
		return nil, nil, nil, nil, c.fail(err)
	}
	return api, tech, h, done, exitOK
}

// signInFromStdin reads the administrator's password and code (standard
// input, lines 1 and 2) and signs in as by; h is nil when either failed,
// exit then saying how (the message is printed).
func (c *cli) signInFromStdin(by string) (api apetitspas.API, h *apetitspas.Handle, cr credentials, done func(), exit int) {
	cr, exit, ok := c.readCredentials(false)
	if !ok {
		return nil, nil, cr, nil, exit
	}
	api, _, h, done, exit = c.signIn(by, cr)
	return api, h, cr, done, exit
}

// writeJSON prints v as indented JSON, with every invisible character
// escaped (see jsonSafe).
func (c *cli) writeJSON(v any) int {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return c.fail(err)
	}
	c.stdout.Write(jsonSafe(b.Bytes()))
	return exitOK
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func yesNo(language string, b bool) string {
	if b {
		return assets.Message(language, "cli.yes", nil)
	}
	return assets.Message(language, "cli.no", nil)
}
