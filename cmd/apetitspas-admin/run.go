package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
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
	stdin          io.Reader
	stdout, stderr io.Writer
	language       string
	dbPath         string
}

// usage is printed by "help" and on wrong usage (French, then English).
const usage = `apetitspas-admin : outil du technicien pour À petits pas / technician's tool

Utilisation / usage:
  apetitspas-admin [--db CHEMIN] setup --daycare NOM_DU_SERVICE --email COURRIEL --name NOM
        (première utilisation : le premier administrateur / first run: the first administrator;
         mot de passe sur l'entrée standard / password on stdin)
  apetitspas-admin [--db CHEMIN] users add --role parent|employee|admin --email COURRIEL --name NOM
        (mot de passe lu sur l'entrée standard, une ligne / password read from stdin)
  apetitspas-admin [--db CHEMIN] users list [--json]
  apetitspas-admin [--db CHEMIN] users import --csv FICHIER   (colonnes / columns: role,email,name)
  apetitspas-admin [--db CHEMIN] audit [--json] [--event CODE] [--person COURRIEL]
  apetitspas-admin [--db CHEMIN] mfa status --email COURRIEL [--json]
  apetitspas-admin [--db CHEMIN] mfa reset --email CIBLE --by ADMIN
        (entrée standard / stdin : mot de passe de ADMIN, puis son code à 6 chiffres si son AMF est activée)
  apetitspas-admin [--db CHEMIN] mfa reset --email CIBLE --break-glass --reason "raison"
        (urgence, sans identifiants, sur l'ordinateur de la base ; inscrit au journal et signalé aux administrateurs)
  apetitspas-admin [--db CHEMIN] policy show [--json]
  apetitspas-admin [--db CHEMIN] policy enforce-staff on|off --by ADMIN [--grace-days N]
  apetitspas-admin --version

Base de données / database: --db, sinon / else $APETITSPAS_DB, sinon / else
le dossier de configuration de l'utilisateur / the user's config folder.
Codes de sortie / exit codes: 0 ok, 1 refusé / refused, 2 utilisation / usage.
`

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, language: assets.Normalize(os.Getenv("APETITSPAS_LANG"))}
	// Global options may come anywhere: pull --db, --lang and --version out.
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(a, "=")
		switch name {
		case "--db", "-db", "--lang", "-lang":
			if !hasValue {
				if i+1 >= len(args) {
					return c.usageError(fmt.Sprintf("%s demande une valeur / needs a value", name))
				}
				i++
				value = args[i]
			}
			if strings.TrimLeft(name, "-") == "db" {
				c.dbPath = value
			} else {
				c.language = assets.Normalize(value)
			}
		case "--version", "-version":
			fmt.Fprintf(stdout, "apetitspas-admin %s (build %d)\n", assets.Version, assets.Build)
			return exitOK
		case "--help", "-help", "-h", "help":
			fmt.Fprint(stdout, usage)
			return exitOK
		default:
			rest = append(rest, a)
		}
	}
	if len(rest) == 0 {
		return c.usageError("")
	}
	switch {
	case rest[0] == "setup":
		return c.setup(rest[1:])
	case rest[0] == "users" && len(rest) > 1 && rest[1] == "add":
		return c.usersAdd(rest[2:])
	case rest[0] == "users" && len(rest) > 1 && rest[1] == "list":
		return c.usersList(rest[2:])
	case rest[0] == "users" && len(rest) > 1 && rest[1] == "import":
		return c.usersImport(rest[2:])
	case rest[0] == "mfa" && len(rest) > 1 && rest[1] == "reset":
		return c.mfaReset(rest[2:])
	case rest[0] == "mfa" && len(rest) > 1 && rest[1] == "status":
		return c.mfaStatus(rest[2:])
	case rest[0] == "policy" && len(rest) > 1 && rest[1] == "show":
		return c.policyShow(rest[2:])
	case rest[0] == "policy" && len(rest) > 1 && rest[1] == "enforce-staff":
		return c.policyEnforce(rest[2:])
	case rest[0] == "audit":
		return c.audit(rest[1:])
	}
	return c.usageError(fmt.Sprintf("commande inconnue / unknown command: %s", strings.Join(rest, " ")))
}

func (c *cli) usageError(msg string) int {
	if msg != "" {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", msg)
	}
	fmt.Fprint(c.stderr, usage)
	return exitUsage
}

// fail prints an app error as a sentence and returns exitRefused.
func (c *cli) fail(err error) int {
	fmt.Fprintln(c.stderr, "apetitspas-admin:", c.message(err))
	return exitRefused
}

// message turns an error into a sentence in the chosen language.
func (c *cli) message(err error) string {
	key, data := assets.ErrorKey(err)
	var e *apetitspas.Error
	errors.As(err, &e)
	msg := assets.Message(c.language, key, data)
	if e != nil && e.Line > 0 {
		msg = assets.Message(c.language, "cli.line", map[string]any{"Line": e.Line}) + " " + msg
	}
	if e != nil && e.Reason == apetitspas.ReasonCSVInvalid && e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return msg
}

// flags parses command flags, reporting usage errors.
func (c *cli) flags(name string, args []string, define func(fs *flag.FlagSet)) (ok bool) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	define(fs)
	if err := fs.Parse(args); err != nil {
		c.usageError(fmt.Sprintf("%s: %v", name, err))
		return false
	}
	if fs.NArg() > 0 {
		c.usageError(fmt.Sprintf("%s: argument en trop / unexpected argument %q", name, fs.Arg(0)))
		return false
	}
	return true
}

// open opens the database and returns the service over it.
func (c *cli) open() (*apetitspas.Service, func(), error) {
	path := c.dbPath
	if path == "" {
		path = os.Getenv("APETITSPAS_DB")
	}
	if path == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return nil, nil, err
		}
		path = filepath.Join(dir, "apetitspas", "apetitspas.db")
	}
	db, err := data.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return apetitspas.New(apetitspas.Params{Store: db, Keys: data.DefaultKeyRing(path)}), func() { db.Close() }, nil
}

// setup is the first run without the GUI: the daycare's name and the
// first administrator (refused once an administrator exists).
func (c *cli) setup(args []string) int {
	var daycare, email, name string
	if !c.flags("setup", args, func(fs *flag.FlagSet) {
		fs.StringVar(&daycare, "daycare", "", "")
		fs.StringVar(&email, "email", "", "")
		fs.StringVar(&name, "name", "", "")
	}) {
		return exitUsage
	}
	if daycare == "" || email == "" || name == "" {
		return c.usageError("setup: --daycare, --email et --name sont requis / are required")
	}
	return c.createWithPassword(func(svc *apetitspas.Service, password string) (apetitspas.User, error) {
		return svc.Setup(context.Background(), daycare, apetitspas.NewUser{Email: email, Name: name, Password: password}, password)
	})
}

// createWithPassword reads the password line, opens the database, runs
// create and reports the new account.
func (c *cli) createWithPassword(create func(*apetitspas.Service, string) (apetitspas.User, error)) int {
	password, err := readLine(c.stdin)
	if err != nil {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", assets.Message(c.language, "cli.no_password", nil))
		return exitRefused
	}
	svc, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	u, err := create(svc, password)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.stdout, assets.Message(c.language, "cli.user_created", map[string]any{"Email": u.Email, "Role": string(u.Role)}))
	return exitOK
}

func (c *cli) usersAdd(args []string) int {
	var role, email, name string
	if !c.flags("users add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&role, "role", "", "")
		fs.StringVar(&email, "email", "", "")
		fs.StringVar(&name, "name", "", "")
	}) {
		return exitUsage
	}
	if role == "" || email == "" || name == "" {
		return c.usageError("users add: --role, --email et --name sont requis / are required")
	}
	r, err := apetitspas.ParseRole(role)
	if err != nil {
		return c.fail(err)
	}
	return c.createWithPassword(func(svc *apetitspas.Service, password string) (apetitspas.User, error) {
		return svc.CreateUser(context.Background(), "cli", apetitspas.NewUser{Role: r, Email: email, Name: name, Password: password})
	})
}

// readLine reads one line (the password), without its line ending.
func readLine(r io.Reader) (string, error) {
	line, err := bufio.NewReaderSize(r, 4096).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// userJSON is one element of "users list --json" (a public interface).
type userJSON struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	MFA      string `json:"mfa"`
	Locked   bool   `json:"locked"`
	Disabled bool   `json:"disabled"`
}

func (c *cli) usersList(args []string) int {
	var asJSON bool
	var role string
	if !c.flags("users list", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "")
		fs.StringVar(&role, "role", "", "")
	}) {
		return exitUsage
	}
	f := apetitspas.UserFilter{}
	if role != "" {
		r, err := apetitspas.ParseRole(role)
		if err != nil {
			return c.fail(err)
		}
		f.Role = r
	}
	svc, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	users, err := svc.Users(context.Background(), f)
	if err != nil {
		return c.fail(err)
	}
	now := svc.Now()
	out := make([]userJSON, 0, len(users))
	for _, u := range users {
		out = append(out, userJSON{Email: u.Email, Name: u.Name, Role: string(u.Role), MFA: string(u.MFA),
			Locked: u.Locked(now), Disabled: u.Disabled})
	}
	if asJSON {
		return c.writeJSON(out)
	}
	tw := tabwriter.NewWriter(c.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, assets.Message(c.language, "cli.users_header", nil))
	for _, u := range out {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Email, u.Name, u.Role, u.MFA, yesNo(c.language, u.Locked), yesNo(c.language, u.Disabled))
	}
	tw.Flush()
	return exitOK
}

func yesNo(language string, b bool) string {
	if b {
		return assets.Message(language, "cli.yes", nil)
	}
	return assets.Message(language, "cli.no", nil)
}

func (c *cli) writeJSON(v any) int {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return c.fail(err)
	}
	return exitOK
}

func (c *cli) usersImport(args []string) int {
	var file string
	if !c.flags("users import", args, func(fs *flag.FlagSet) { fs.StringVar(&file, "csv", "", "") }) {
		return exitUsage
	}
	if file == "" {
		return c.usageError("users import: --csv FICHIER est requis / is required")
	}
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", assets.Message(c.language, "cli.file_unreadable", map[string]any{"File": file}))
		return exitRefused
	}
	defer f.Close()
	svc, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	created, err := svc.ImportCSV(context.Background(), "cli", io.LimitReader(f, 16<<20))
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.stdout, assets.Message(c.language, "cli.imported", map[string]any{"Count": len(created)}))
	tw := tabwriter.NewWriter(c.stdout, 2, 4, 2, ' ', 0)
	for _, im := range created {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", im.User.Email, im.User.Name, im.User.Role, im.TempPassword)
	}
	tw.Flush()
	return exitOK
}

// eventJSON is one element of "audit --json" (a public interface).
type eventJSON struct {
	Time   string `json:"time"`
	Event  string `json:"event"`
	Actor  string `json:"actor"`
	Target string `json:"target"`
	Detail string `json:"detail"`
}

func (c *cli) audit(args []string) int {
	var asJSON bool
	var event, person string
	if !c.flags("audit", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "")
		fs.StringVar(&event, "event", "", "")
		fs.StringVar(&person, "person", "", "")
	}) {
		return exitUsage
	}
	svc, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	events, err := svc.Audit(context.Background(), apetitspas.AuditFilter{Event: event, Person: apetitspas.NormalizeEmail(person)})
	if err != nil {
		return c.fail(err)
	}
	out := make([]eventJSON, 0, len(events))
	for _, e := range events {
		out = append(out, eventJSON{Time: e.Time.UTC().Format(time.RFC3339), Event: e.Event, Actor: e.Actor, Target: e.Target, Detail: e.Detail})
	}
	if asJSON {
		return c.writeJSON(out)
	}
	tw := tabwriter.NewWriter(c.stdout, 2, 4, 2, ' ', 0)
	for _, e := range out {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Time, e.Event, e.Actor, e.Target, e.Detail)
	}
	tw.Flush()
	return exitOK
}
