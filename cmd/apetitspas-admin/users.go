package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

// setup is the first run without the GUI: the daycare's name and the
// first administrator. Refused once an administrator exists.
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
	password, got, err := c.in.line()
	if err != nil {
		return c.fail(err)
	}
	if !got || password == "" {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", assets.Message(c.language, "cli.no_password", nil))
		return exitRefused
	}
	if !c.inputEnds() {
		return exitUsage
	}
	api, _, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	u, err := api.Setup(c.ctx(), daycare, apetitspas.NewUser{Email: email, Name: name, Password: password}, password)
	if err != nil {
		return c.fail(err)
	}
	c.say("cli.user_created", map[string]any{"Email": u.Email, "Role": string(u.Role)})
	return exitOK
}

// usersAdd: users add --role R --email E --name N --by ADMIN; stdin: the
// administrator's password and code, then the new account's password or
// nothing (a temporary password is printed once).
func (c *cli) usersAdd(args []string) int {
	var role, email, name, by string
	if !c.flags("users add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&role, "role", "", "")
		fs.StringVar(&email, "email", "", "")
		fs.StringVar(&name, "name", "", "")
		fs.StringVar(&by, "by", "", "")
	}) {
		return exitUsage
	}
	if role == "" || email == "" || name == "" || by == "" {
		return c.usageError("users add: --role, --email, --name et --by sont requis / are required")
	}
	r, err := apetitspas.ParseRole(role)
	if err != nil {
		return c.fail(err)
	}
	// The service checks all of this again; checking it before the
	// sign-in spares the administrator's code on a typing mistake.
	if _, err := apetitspas.ValidateEmail(email); err != nil {
		return c.fail(err)
	}
	if _, err := apetitspas.ValidateName(name); err != nil {
		return c.fail(err)
	}
	cr, exit, ok := c.readCredentials(true)
	if !ok {
		return exit
	}
	if cr.third != "" {
		// What refuses it whatever the account (the list, the person's
		// name, under 8 characters). The fewest characters depend on the
		// account's multi-factor sign-in, which the service knows: it
		// applies the whole rule.
		pc := apetitspas.PasswordContext{MFA: true, Name: name, Email: email}
		if err := apetitspas.CheckPassword(cr.third, pc); err != nil && apetitspas.ErrorReason(err) != apetitspas.ReasonPasswordTooShort {
			return c.fail(err)
		}
	}
	api, _, h, done, exit := c.signIn(by, cr)
	if h == nil {
		return exit
	}
	defer done()
	im, err := api.CreateAccount(c.ctx(), h,
		apetitspas.NewUser{Role: r, Email: email, Name: name, Password: cr.third}, "")
	if err != nil {
		return c.fail(err)
	}
	c.say("cli.user_created", map[string]any{"Email": im.User.Email, "Role": string(im.User.Role)})
	if im.TempPassword != "" {
		c.say("cli.temp_password", nil)
		fmt.Fprintln(c.stdout, im.TempPassword)
	}
	return exitOK
}

// userJSON is one element of "users list --json" (a public interface).
type userJSON struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	MFA      string `json:"mfa"`
	Locked   bool   `json:"locked"`
	Disabled bool   `json:"disabled"`
	// Tampered: changed outside the app; cannot sign in until an
	// administrator reseals it.
	Tampered bool `json:"tampered"`
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
	api, tech, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	defer done()
	users, err := tech.ListUsers(c.ctx(), f)
	if err != nil {
		return c.fail(err)
	}
	now := api.Now()
	out := make([]userJSON, 0, len(users))
	for _, u := range users {
		out = append(out, userJSON{Email: u.Email, Name: u.Name, Role: string(u.Role), MFA: string(u.MFA),
			Locked: u.Locked(now), Disabled: u.Disabled, Tampered: u.Tampered})
	}
	if asJSON {
		return c.writeJSON(out)
	}
	tw := tabwriter.NewWriter(c.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, assets.Message(c.language, "cli.users_header", nil))
	for _, u := range out {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", safe(u.Email), safe(u.Name), u.Role, u.MFA,
			yesNo(c.language, u.Locked), yesNo(c.language, u.Disabled), yesNo(c.language, u.Tampered))
	}
	tw.Flush()
	return exitOK
}

// usersImport: users import --csv FILE --by ADMIN. All or nothing; the
// service refuses a file over app.MaxImportBytes whole.
func (c *cli) usersImport(args []string) int {
	var file, by string
	if !c.flags("users import", args, func(fs *flag.FlagSet) {
		fs.StringVar(&file, "csv", "", "")
		fs.StringVar(&by, "by", "", "")
	}) {
		return exitUsage
	}
	if file == "" || by == "" {
		return c.usageError("users import: --csv FICHIER et --by ADMIN sont requis / are required")
	}
	cr, exit, ok := c.readCredentials(false)
	if !ok {
		return exit
	}
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", c.text("cli.file_unreadable", map[string]any{"File": file}))
		return exitRefused
	}
	// The whole file, read once (the service refuses more than
	// MaxImportBytes), and checked before the sign-in: a refused file does
	// not spend the administrator's single-use code.
	raw, err := io.ReadAll(io.LimitReader(f, apetitspas.MaxImportBytes+1))
	f.Close()
	if err != nil {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", c.text("cli.file_unreadable", map[string]any{"File": file}))
		return exitRefused
	}
	if exit, ok := c.checkImportFile(raw); !ok {
		return exit
	}
	api, _, h, done, exit := c.signIn(by, cr)
	if h == nil {
		return exit
	}
	defer done()
	created, err := api.ImportCSV(c.ctx(), h, raw, "", nil)
	if err != nil {
		return c.fail(err)
	}
	c.say("cli.imported", map[string]any{"Count": len(created)})
	tw := tabwriter.NewWriter(c.stdout, 2, 4, 2, ' ', 0)
	for _, im := range created {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", safe(im.User.Email), safe(im.User.Name), im.User.Role, im.TempPassword)
	}
	tw.Flush()
	return exitOK
}

// checkImportFile refuses an import file with the first thing the import
// would refuse (a malformed or invalid line, an e-mail already used, a
// file too large or empty), before anyone signs in. It says how the file
// was read (separator, encoding, header line): on standard output for a
// good file, with the refusal otherwise.
func (c *cli) checkImportFile(raw []byte) (exit int, ok bool) {
	_, tech, done, err := c.open()
	if err != nil {
		return c.fail(err), false
	}
	defer done()
	check, err := tech.CheckImportFile(c.ctx(), raw)
	if err != nil {
		return c.fail(err), false
	}
	read := assets.ImportRead(check, c.text)
	if len(check.Problems) > 0 {
		if read != "" {
			fmt.Fprintln(c.stderr, "apetitspas-admin:", read)
		}
		return c.fail(check.Problems[0]), false
	}
	if read != "" {
		fmt.Fprintln(c.stdout, read)
	}
	return exitOK, true
}

// usersRole: users role --email E --role R --by ADMIN (a strong action).
func (c *cli) usersRole(args []string) int {
	var email, role, by string
	if !c.flags("users role", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "")
		fs.StringVar(&role, "role", "", "")
		fs.StringVar(&by, "by", "", "")
	}) {
		return exitUsage
	}
	if email == "" || role == "" || by == "" {
		return c.usageError("users role: --email, --role et --by sont requis / are required")
	}
	r, err := apetitspas.ParseRole(role)
	if err != nil {
		return c.fail(err)
	}
	api, h, _, done, exit := c.signInFromStdin(by)
	if h == nil {
		return exit
	}
	defer done()
	if err := api.SetRole(c.ctx(), h, email, r, ""); err != nil {
		return c.fail(err)
	}
	c.say("cli.role_changed", map[string]any{"Email": apetitspas.NormalizeEmail(email), "Role": string(r)})
	return exitOK
}

// usersReseal: users reseal --email E --by ADMIN. The administrator has
// looked at an account changed outside the app and accepts its current
// state; it gets a temporary password (printed once) and, when it had
// one, a new multi-factor enrollment.
func (c *cli) usersReseal(args []string) int {
	var email, by string
	if !c.flags("users reseal", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "")
		fs.StringVar(&by, "by", "", "")
	}) {
		return exitUsage
	}
	if email == "" || by == "" {
		return c.usageError("users reseal: --email et --by sont requis / are required")
	}
	cr, exit, ok := c.readCredentials(false)
	if !ok {
		return exit
	}
	ctx := c.ctx()
	// Reseal refuses an account that was not changed outside the app;
	// saying so before the sign-in spares the administrator's code.
	_, tech, done, err := c.open()
	if err != nil {
		return c.fail(err)
	}
	st, err := tech.Status(ctx, email)
	done()
	if err != nil {
		return c.fail(err)
	}
	if !st.Tampered {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", c.text("cli.not_tampered", map[string]any{"Email": st.Email}))
		return exitRefused
	}
	api, tech, h, done, exit := c.signIn(by, cr)
	if h == nil {
		return exit
	}
	defer done()
	pw, err := api.Reseal(ctx, h, email, "")
	if err != nil {
		return c.fail(err)
	}
	email = apetitspas.NormalizeEmail(email)
	if u, ok := findUser(ctx, tech, email); ok {
		c.say("cli.resealed", map[string]any{"Email": u.Email, "Role": string(u.Role),
			"Disabled": yesNo(c.language, u.Disabled), "MFA": string(u.MFA)})
		if u.MFA == apetitspas.MFAPending {
			c.say("cli.resealed_mfa", nil)
		}
	} else {
		c.say("cli.resealed", map[string]any{"Email": email, "Role": "?", "Disabled": "?", "MFA": "?"})
	}
	c.say("cli.temp_password", nil)
	fmt.Fprintln(c.stdout, pw)
	return exitOK
}

// findUser looks an account up by its exact (normalized) e-mail.
func findUser(ctx context.Context, tech apetitspas.Technician, email string) (apetitspas.User, bool) {
	users, err := tech.ListUsers(ctx, apetitspas.UserFilter{Query: email})
	if err != nil {
		return apetitspas.User{}, false
	}
	for _, u := range users {
		if u.Email == email {
			return u, true
		}
	}
	return apetitspas.User{}, false
}

// usersChange: users disable|enable|unlock --email E --by ADMIN.
func (c *cli) usersChange(what string, args []string) int {
	var email, by string
	if !c.flags("users "+what, args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "")
		fs.StringVar(&by, "by", "", "")
	}) {
		return exitUsage
	}
	if email == "" || by == "" {
		return c.usageError("users " + what + ": --email et --by sont requis / are required")
	}
	api, h, _, done, exit := c.signInFromStdin(by)
	if h == nil {
		return exit
	}
	defer done()
	ctx := c.ctx()
	var err error
	switch what {
	case "disable":
		err = api.SetDisabled(ctx, h, email, true, "")
	case "enable":
		err = api.SetDisabled(ctx, h, email, false, "")
	default:
		err = api.Unlock(ctx, h, email, "")
	}
	if err != nil {
		return c.fail(err)
	}
	key := map[string]string{"disable": "cli.user_disabled", "enable": "cli.user_enabled", "unlock": "cli.user_unlocked"}[what]
	c.say(key, map[string]any{"Email": apetitspas.NormalizeEmail(email)})
	return exitOK
}

// usersErase: users erase [--json] --email E --by ADMIN; stdin: the
// administrator's password and code. Her password is checked again by
// the erasure itself (a strong action, Loi 25).
func (c *cli) usersErase(args []string) int {
	var email, by string
	var asJSON bool
	if !c.flags("users erase", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "")
		fs.StringVar(&by, "by", "", "")
		fs.BoolVar(&asJSON, "json", false, "")
	}) {
		return exitUsage
	}
	if email == "" || by == "" {
		return c.usageError("users erase: --email et --by sont requis / are required")
	}
	api, h, cr, done, exit := c.signInFromStdin(by)
	if h == nil {
		return exit
	}
	defer done()
	eraser, ok := api.(apetitspas.Eraser)
	if !ok {
		return c.fail(&apetitspas.Error{Code: apetitspas.EINTERNAL, Reason: apetitspas.ReasonServiceVersion})
	}
	person, err := eraser.EraseUser(c.ctx(), h, email, cr.password, "")
	if err != nil {
		return c.fail(err)
	}
	if asJSON {
		return c.writeJSON(struct {
			Email  string `json:"email"`
			Person int64  `json:"person"`
		}{apetitspas.NormalizeEmail(email), person})
	}
	c.say("cli.user_erased", map[string]any{"Email": apetitspas.NormalizeEmail(email), "Person": person})
	return exitOK
}
