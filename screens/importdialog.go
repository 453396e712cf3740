package screens

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

// importPreviewRows is how many lines of the file the preview shows.
const importPreviewRows = 5

// importShownProblems is how many bad lines the dialog lists (the count
// says how many there are in all).
const importShownProblems = 50

// importDialog is Utilisateurs → Importer: the director picks a CSV file
// (rôle;courriel;nom as Excel in French saves it, or role,email,name; a
// template to fill in can be saved); the dialog says how the file was
// read, shows its first lines and every bad line with its number before
// anything is written; importing shows a progress bar while the passwords
// are made, then the temporary passwords, once, with a way to save them
// as a CSV file.
type importDialog struct {
	u      *UI
	dialog *dialog.CustomDialog
	done   func(created []apetitspas.Imported)

	intro    *widget.Label
	choose   *button
	template *button
	file     *widget.Label
	// read says how the file was read: separator, encoding, headers.
	read     *widget.Label
	preview  *fyne.Container
	summary  *widget.Label
	problems *widget.Label
	// codeHelp, codeLabel and code appear for a file creating an
	// administrator, when the administrator's code is needed.
	codeHelp  *widget.Label
	codeLabel *widget.Label
	code      *widget.Entry
	progress  *widget.ProgressBar
	status    *relaidStatus
	start     *button
	cancel    *button

	// After the import: the temporary passwords, once.
	results  *fyne.Container
	warning  *widget.Label
	save     *button
	saved    *widget.Label
	close    *button
	body     *fyne.Container
	buttons  *fyne.Container
	checking *fyne.Container

	data    []byte // the file chosen
	check   apetitspas.ImportCheck
	created []apetitspas.Imported
	working bool
	stop    context.CancelFunc
	// hashed of total passwords are ready (the progress bar's text).
	hashed, total int
	// pickFile, pickSave and pickTemplate open the file dialogs
	// (replaced in tests).
	pickFile     func()
	pickSave     func()
	pickTemplate func()
}

func newImportDialog(u *UI, done func(created []apetitspas.Imported)) *importDialog {
	d := &importDialog{u: u, done: done}
	d.status = newRelaidStatus(d.refresh)
	d.intro = widget.NewLabel(lang.X("import.intro", "Choisissez un fichier CSV de trois colonnes\u00a0: rôle (parent, employé·e ou administrateur·trice), courriel et nom. Une première ligne d'en-tête les nomme, dans n'importe quel ordre. Excel l'enregistre sous «\u00a0CSV (séparateur\u00a0: point-virgule)\u00a0»\u00a0; les virgules et l'anglais (role, email, name\u00a0; employee, admin) conviennent aussi. Rien n'est créé avant que vous cliquiez sur «\u00a0Importer\u00a0»."))
	d.intro.Wrapping = fyne.TextWrapWord
	example := widget.NewLabelWithStyle(lang.X("import.example", "rôle;courriel;nom\nparent;julie.tremblay@exemple.ca;Julie Tremblay\nemployé·e;marc-andre.roy@exemple.ca;Marc-André Roy"),
		fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	example.Truncation = fyne.TextTruncateEllipsis
	d.choose = newButton(lang.X("import.choose", "Choisir un fichier…"), theme.FolderOpenIcon(), func() {
		u.idle.touch()
		d.pickFile()
	})
	d.template = newButton(lang.X("import.template", "Enregistrer le modèle…"), theme.DocumentSaveIcon(), func() {
		u.idle.touch()
		d.pickTemplate()
	})
	d.file = widget.NewLabel("")
	d.file.TextStyle = fyne.TextStyle{Bold: true}
	d.file.Truncation = fyne.TextTruncateEllipsis
	d.read = widget.NewLabel("")
	d.read.Wrapping = fyne.TextWrapWord
	d.preview = container.NewVBox()
	d.summary = widget.NewLabel("")
	d.summary.Wrapping = fyne.TextWrapWord
	d.problems = widget.NewLabel("")
	d.problems.Wrapping = fyne.TextWrapWord
	d.problems.Importance = widget.DangerImportance
	d.codeHelp = widget.NewLabel(lang.X("import.admin_code_help", "Ce fichier crée au moins un administrateur\u00a0: pour confirmer, entrez le code affiché en ce moment pour votre propre compte par votre application d'authentification."))
	d.codeHelp.Wrapping = fyne.TextWrapWord
	d.codeLabel = widget.NewLabel(lang.X("users.admin_code", "Votre code à 6 chiffres"))
	d.codeLabel.TextStyle = fyne.TextStyle{Bold: true}
	d.code = newCodeEntry(u, func() { d.importNow() })
	d.progress = widget.NewProgressBar()
	d.progress.TextFormatter = func() string {
		return lang.X("import.progress", "Mots de passe préparés\u00a0: {{.Done}} sur {{.Total}}", map[string]any{"Done": d.hashed, "Total": d.total})
	}
	d.start = newButton(lang.X("import.start", "Importer"), theme.UploadIcon(), d.importNow)
	d.start.Importance = widget.HighImportance
	d.start.Disable()
	d.cancel = newButton(lang.X("mfa.confirm_cancel", "Annuler"), nil, func() {
		u.idle.touch()
		if d.working {
			if d.stop != nil {
				d.stop() // nothing is written: the hashing stops
			}
			return
		}
		d.dialog.Hide()
	})
	for _, o := range []fyne.CanvasObject{d.file, d.read, d.summary, d.problems, d.codeHelp, d.codeLabel, d.code, d.progress} {
		o.Hide()
	}
	d.checking = container.NewVBox(d.intro, example, container.NewHBox(d.choose, d.template), d.file, d.read, d.summary,
		d.problems, d.preview, d.codeHelp, d.codeLabel, d.code)

	d.warning = widget.NewLabel(lang.X("import.warning", "Ces mots de passe ne seront plus jamais affichés. Si vous les enregistrez, le fichier permet à quiconque l'ouvre de se connecter à la place de ces personnes jusqu'à ce qu'elles choisissent leur propre mot de passe\u00a0: gardez-le dans un endroit sûr, remettez chaque mot de passe à sa personne, puis supprimez le fichier."))
	d.warning.Wrapping = fyne.TextWrapWord
	d.warning.Importance = widget.WarningImportance
	d.save = newButton(lang.X("import.save", "Enregistrer en CSV…"), theme.DocumentSaveIcon(), func() {
		u.idle.touch()
		d.pickSave()
	})
	d.saved = widget.NewLabel("")
	d.saved.Wrapping = fyne.TextWrapWord
	d.saved.Hide()
	d.results = container.NewStack()
	d.close = newButton(lang.X("import.close", "J'ai remis ou enregistré les mots de passe"), nil, func() {
		u.idle.touch()
		d.dialog.Hide()
	})
	d.close.Importance = widget.HighImportance

	d.body = container.NewStack(container.NewVScroll(d.checking))
	d.buttons = container.NewStack(container.NewGridWithColumns(2, d.cancel, d.start))
	// The progress and what went wrong stay in view, by the buttons.
	bottom := container.NewVBox(d.progress, d.status.progress, d.status.message, d.buttons)
	content := container.NewBorder(nil, bottom, nil, nil, d.body)
	d.pickFile = d.openFileDialog
	d.pickSave = d.saveFileDialog
	d.pickTemplate = d.saveTemplateDialog
	d.choose.onEscape, d.template.onEscape, d.start.onEscape, d.cancel.onEscape = d.cancel.OnTapped, d.cancel.OnTapped, d.cancel.OnTapped, d.cancel.OnTapped
	d.dialog = dialog.NewCustomWithoutButtons(lang.X("import.title", "Importer des comptes"), content, u.win)
	d.dialog.SetOnClosed(func() {
		if d.stop != nil {
			d.stop()
		}
		created := d.created
		d.created = nil // shown once
		d.results.Objects = nil
		if d.done != nil {
			d.done(created)
		}
	})
	d.resize()
	d.dialog.Show()
	u.win.Canvas().Focus(d.choose)
	return d
}

// resize fits the dialog in the window: 640 px wide at most, and most of
// the window's height (the content scrolls).
func (d *importDialog) resize() {
	s := d.u.win.Canvas().Size()
	d.dialog.Resize(fyne.NewSize(min(640, s.Width-2*theme.Padding()), min(560, s.Height*0.9)))
}

func (d *importDialog) refresh() {
	if d.dialog != nil {
		d.dialog.Refresh()
	}
}

// openFileDialog lets the director pick the CSV file.
func (d *importDialog) openFileDialog() {
	openFile(d.u, lang.X("import.open_title", "Choisir le fichier des comptes"), kindCSVText, apetitspas.MaxImportBytes,
		func(name string, data []byte, err error) {
			switch {
			case errors.Is(err, errTooBig):
				d.load(name, data) // the service says how big a file may be
			case err != nil:
				d.status.error(lang.X("import.unreadable", "Ce fichier ne peut pas être lu."))
			default:
				d.load(name, data)
			}
		})
}

// load checks the chosen file with the service (nothing is written) and
// shows its first lines, how many accounts it makes, and every bad line.
func (d *importDialog) load(name string, data []byte) {
	d.u.idle.touch()
	d.data, d.check = data, apetitspas.ImportCheck{}
	d.file.SetText(lang.X("import.file", "Fichier\u00a0: {{.Name}}", map[string]any{"Name": filepath.Base(name)}))
	d.file.Show()
	d.status.idle()
	d.start.Disable()
	d.preview.Objects = nil
	check, err := d.u.api.CheckImport(context.Background(), d.u.handle, data)
	d.showRead(check)
	if err != nil {
		d.summary.Hide()
		d.problems.Hide()
		d.showCode(false)
		d.status.error(ErrorText(err))
		d.refresh()
		return
	}
	d.check = check
	d.showPreview()
	admins := ""
	if check.Admins > 0 {
		admins = " " + lang.X("import.admins", "Administrateurs parmi eux\u00a0: {{.Count}}.", map[string]any{"Count": check.Admins})
	}
	if len(check.Problems) == 0 {
		d.summary.SetText(lang.X("import.ready", "Comptes à créer, chacun avec un mot de passe temporaire\u00a0: {{.Count}}.", map[string]any{"Count": len(check.Rows)}) + admins)
		d.summary.Importance = widget.MediumImportance
		d.problems.Hide()
		d.start.SetText(lang.X("import.start_count", "Importer les comptes ({{.Count}})", map[string]any{"Count": len(check.Rows)}))
		d.start.Enable()
		d.showCode(check.Admins > 0 && d.u.codeAsked())
	} else {
		d.summary.SetText(lang.X("import.refused", "Rien ne sera créé. Lignes à corriger dans le fichier\u00a0: {{.Count}}. Corrigez-les, puis choisissez le fichier de nouveau.", map[string]any{"Count": len(check.Problems)}))
		d.summary.Importance = widget.DangerImportance
		d.problems.SetText(problemLines(check.Problems))
		d.problems.Show()
		d.showCode(false)
	}
	d.summary.Show()
	d.refresh()
	d.resize()
}

// showRead says how the service read the file (separator, encoding,
// header line), or nothing when it could not read it.
func (d *importDialog) showRead(check apetitspas.ImportCheck) {
	text := assets.ImportRead(check, func(key string, data map[string]any) string {
		if data == nil {
			return lang.X(key, assets.Message("fr", key, nil))
		}
		return lang.X(key, assets.Message("fr", key, data), data)
	})
	d.read.SetText(text)
	if text == "" {
		d.read.Hide()
	} else {
		d.read.Show()
	}
}

// problemLines says each bad line with its number, at most
// importShownProblems of them.
func problemLines(ps []*apetitspas.Error) string {
	var b bytes.Buffer
	for i, p := range ps {
		if i == importShownProblems {
			b.WriteString(lang.X("import.more_problems", "Autres lignes à corriger, non affichées\u00a0: {{.Count}}.", map[string]any{"Count": len(ps) - i}))
			break
		}
		if i > 0 {
			b.WriteString("\n")
		}
		if p.Line > 0 {
			b.WriteString(lang.X("import.line", "Ligne {{.Line}}\u00a0: {{.Text}}", map[string]any{"Line": p.Line, "Text": ErrorText(p)}))
		} else {
			b.WriteString(ErrorText(p))
		}
	}
	return b.String()
}

// showPreview shows the first good lines as a small table.
func (d *importDialog) showPreview() {
	cols := func() fyne.Layout { return &weightedColumns{weights: []float32{1.4, 2, 4, 3.6}} }
	cell := func(s string, bold bool) fyne.CanvasObject {
		l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: bold})
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	rows := []fyne.CanvasObject{
		widget.NewLabelWithStyle(lang.X("import.preview", "Aperçu des premières lignes"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.New(cols(), cell(lang.X("import.col_line", "Ligne"), true), cell(lang.X("account.role", "Rôle"), true),
			cell(lang.X("login.email", "Courriel"), true), cell(lang.X("account.name", "Nom"), true)),
	}
	for i, r := range d.check.Rows {
		if i == importPreviewRows {
			break
		}
		rows = append(rows, container.New(cols(), cell(strconv.Itoa(r.Line), false), cell(roleText(r.Role), false),
			cell(r.Email, false), cell(r.Name, false)))
	}
	if len(d.check.Rows) == 0 {
		rows = rows[:1]
	}
	d.preview.Objects = rows
	d.preview.Refresh()
}

func (d *importDialog) showCode(on bool) {
	for _, o := range []fyne.CanvasObject{d.codeHelp, d.codeLabel, d.code} {
		if on {
			o.Show()
		} else {
			o.Hide()
		}
	}
}

// importNow creates the accounts: the passwords are made on every core
// with a progress bar, then written all at once.
func (d *importDialog) importNow() {
	if d.start.Disabled() || d.working || !d.check.OK() {
		return
	}
	d.u.idle.touch()
	code := ""
	if d.code.Visible() {
		code = d.code.Text
	}
	data := d.data
	ctx, stop := context.WithCancel(context.Background())
	d.stop = stop
	d.working = true
	enable(false, d.start, d.choose, d.code)
	d.hashed, d.total = 0, len(d.check.Rows)
	d.progress.SetValue(0)
	d.progress.Show()
	d.status.idle()
	d.refresh()
	last := -1
	progress := func(done, total int) {
		pct := done * 100 / max(total, 1)
		if pct == last {
			return // at most a hundred updates
		}
		last = pct
		d.u.do(func() {
			d.hashed, d.total = done, total
			d.progress.SetValue(float64(done) / float64(total))
		})
	}
	var created []apetitspas.Imported
	d.u.sessionWork(func(h *apetitspas.Handle) error {
		var err error
		created, err = d.u.api.ImportCSV(ctx, h, data, code, progress)
		return err
	}, func(err error) {
		cancelled := ctx.Err() != nil
		d.working = false
		d.stop = nil
		stop()
		d.progress.Hide()
		enable(true, d.start, d.choose, d.code)
		if err != nil {
			d.code.SetText("")
			switch {
			case cancelled:
				d.status.info(lang.X("import.cancelled", "Importation annulée\u00a0: aucun compte n'a été créé."))
			case apetitspas.ErrorReason(err) == apetitspas.ReasonAdminCodeRequired:
				d.showCode(true)
				d.status.error(ErrorText(err))
				d.u.win.Canvas().Focus(d.code)
			default:
				d.status.error(lineText(err))
			}
			d.refresh()
			return
		}
		d.showResults(created)
	})
}

// lineText is an error's text, with its line number when it has one.
func lineText(err error) string {
	var e *apetitspas.Error
	if errors.As(err, &e) && e.Line > 0 {
		return lang.X("import.line", "Ligne {{.Line}}\u00a0: {{.Text}}", map[string]any{"Line": e.Line, "Text": ErrorText(err)})
	}
	return ErrorText(err)
}

// showResults shows the temporary passwords, once.
func (d *importDialog) showResults(created []apetitspas.Imported) {
	d.created = created
	head := widget.NewLabel(lang.X("import.done", "Comptes créés\u00a0: {{.Count}}. Voici leurs mots de passe temporaires\u00a0; chaque personne choisira le sien à sa première connexion.", map[string]any{"Count": len(created)}))
	head.Wrapping = fyne.TextWrapWord
	cols := func() fyne.Layout { return &weightedColumns{weights: []float32{4, 4, 3}} }
	list := widget.NewList(func() int { return len(d.created) }, func() fyne.CanvasObject {
		name := widget.NewLabel("")
		name.Truncation = fyne.TextTruncateEllipsis
		email := widget.NewLabel("")
		email.Truncation = fyne.TextTruncateEllipsis
		pw := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		return container.New(cols(), name, email, pw)
	}, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < 0 || id >= len(d.created) {
			return
		}
		c := o.(*fyne.Container)
		c.Objects[0].(*widget.Label).SetText(d.created[id].User.Name)
		c.Objects[1].(*widget.Label).SetText(d.created[id].User.Email)
		c.Objects[2].(*widget.Label).SetText(d.created[id].TempPassword)
	})
	header := container.New(cols(), columnHead(lang.X("account.name", "Nom")), columnHead(lang.X("login.email", "Courriel")),
		columnHead(lang.X("import.col_password", "Mot de passe")))
	top := container.NewVBox(head, d.warning, container.NewHBox(d.save), d.saved, header)
	d.results.Objects = []fyne.CanvasObject{container.NewBorder(top, nil, nil, nil, list)}
	d.body.Objects = []fyne.CanvasObject{d.results}
	d.buttons.Objects = []fyne.CanvasObject{d.close}
	d.body.Refresh()
	d.buttons.Refresh()
	d.u.win.Canvas().Focus(d.save)
}

// saveFileDialog lets the director save the passwords as a CSV file.
func (d *importDialog) saveFileDialog() {
	var text bytes.Buffer // made here, on the UI goroutine; written off it
	err := d.writeCSV(&text)
	saveFile(d.u, saveRequest{
		title: lang.X("import.save_title", "Enregistrer les mots de passe temporaires"),
		name:  lang.X("import.file_name", "mots-de-passe-temporaires.csv"),
		kind:  kindCSV,
		write: func(w io.Writer) error {
			if err != nil {
				return err
			}
			_, err := w.Write(text.Bytes())
			return err
		},
		done: func(name string, err error) {
			if err == nil && name == "" {
				return // cancelled
			}
			if err != nil {
				d.saved.SetText(lang.X("import.save_failed", "Le fichier n'a pas pu être enregistré."))
				d.saved.Importance = widget.DangerImportance
			} else {
				d.saved.SetText(lang.X("import.saved", "Enregistré dans {{.Name}}. Supprimez ce fichier dès que les mots de passe sont remis.", map[string]any{"Name": name}))
				d.saved.Importance = widget.WarningImportance
			}
			d.saved.Show()
			d.body.Refresh()
		},
	})
}

// saveTemplateDialog lets the director save the import template
// (app.ImportTemplate: French, semicolons, UTF-8 with a byte-order mark,
// what Excel in French opens in columns) to fill in with Excel.
func (d *importDialog) saveTemplateDialog() {
	saveFile(d.u, saveRequest{
		title: lang.X("import.template_title", "Enregistrer le modèle"),
		name:  lang.X("import.template_name", "modele-comptes.csv"),
		kind:  kindCSV,
		write: func(w io.Writer) error {
			_, err := w.Write(apetitspas.ImportTemplate())
			return err
		},
		done: d.templateSaved,
	})
}

// templateSaved says where the template went (name "" when cancelled).
func (d *importDialog) templateSaved(name string, err error) {
	if err == nil && name == "" {
		return
	}
	if err != nil {
		d.status.error(lang.X("import.save_failed", "Le fichier n'a pas pu être enregistré."))
		return
	}
	d.status.info(lang.X("import.template_saved", "Modèle enregistré dans {{.Name}}\u00a0: ouvrez-le avec Excel, remplacez les lignes d'exemple par les vôtres, enregistrez, puis choisissez ce fichier ici.",
		map[string]any{"Name": name}))
}

// writeCSV writes the accounts created and their temporary passwords:
// UTF-8 with a byte-order mark and semicolons, which Excel in French
// opens in columns; the headers are in the application's language.
func (d *importDialog) writeCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	_ = cw.Write([]string{lang.X("import.csv_role", "rôle"), lang.X("import.csv_email", "courriel"),
		lang.X("import.csv_name", "nom"), lang.X("import.csv_password", "mot de passe temporaire")})
	for _, c := range d.created {
		_ = cw.Write([]string{string(c.User.Role), cellText(c.User.Email), cellText(c.User.Name), c.TempPassword})
	}
	cw.Flush()
	return cw.Error()
}

// cellText keeps a spreadsheet from reading a cell as a formula ("=…",
// "+…", "-…", "@…"): a quote in front makes it text.
func cellText(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}
