package screens

import (
	"context"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

// backupsCard is Sécurité → Sauvegardes: a backup made now (a file and a
// passphrase chosen by the administrator), the date of the last one, and
// a daily backup into a folder she chooses. Making either needs her code
// (a strong action: a backup holds everyone's codes).
type backupsCard struct {
	u        *UI
	relayout func()
	card     *widget.Card

	last     *widget.Label
	auto     *widget.Label
	now      *button
	chooseAt *button
	stopAuto *button
	status   *relaidStatus

	// passphrase and confirming are the dialogs while they are shown.
	passphrase *passphraseDialog
	confirming *adminConfirm
}

func newBackupsCard(u *UI, relayout func()) *backupsCard {
	b := &backupsCard{u: u, relayout: relayout}
	b.status = newRelaidStatus(relayout)
	help := widget.NewLabel(lang.X("backups.help", "Une sauvegarde est un seul fichier : la base de la garderie et sa clé de sécurité, chiffrées par une phrase de passe que vous choisissez. Gardez la phrase de passe à part du fichier : sans elle, la sauvegarde ne s'ouvre pas ; avec elle, quiconque a le fichier a les codes de tout le monde. Pour passer à un nouvel ordinateur, confiez le fichier à votre technicien : il sait le restaurer."))
	help.Wrapping = fyne.TextWrapWord
	b.last = widget.NewLabel("")
	b.last.Wrapping = fyne.TextWrapWord
	b.auto = widget.NewLabel("")
	b.auto.Wrapping = fyne.TextWrapWord
	b.now = newButton(lang.X("backups.now", "Sauvegarder maintenant…"), theme.DocumentSaveIcon(), b.chooseFile)
	b.now.Importance = widget.HighImportance
	b.chooseAt = newButton(lang.X("backups.auto_choose", "Sauvegarde automatique dans un dossier…"), theme.FolderOpenIcon(), b.chooseFolder)
	b.stopAuto = newButton(lang.X("backups.auto_stop", "Arrêter la sauvegarde automatique"), nil, b.confirmStop)
	b.card = sectionCard(lang.X("backups.title", "Sauvegardes"), container.NewVBox(
		help, b.last, container.NewHBox(b.now),
		widget.NewSeparator(),
		b.auto, container.NewHBox(b.chooseAt, b.stopAuto),
		b.status.message,
	))
	b.load()
	return b
}

// load shows the last backup and the daily backup's folder.
func (b *backupsCard) load() {
	st, err := b.u.api.AutoBackupSetting(context.Background(), b.u.handle)
	if err != nil {
		b.status.error(ErrorText(err))
		return
	}
	if st.Last.IsZero() {
		b.last.SetText(lang.X("backups.never", "Aucune sauvegarde pour l'instant."))
	} else {
		b.last.SetText(lang.X("backups.last", "Dernière sauvegarde : {{.When}}.", map[string]any{"When": formatDateTime(st.Last)}))
	}
	if st.Folder == "" {
		b.auto.SetText(lang.X("backups.auto_off", "Sauvegarde automatique : désactivée. Choisissez un dossier (une clé USB, un dossier synchronisé) : une sauvegarde y sera faite chaque jour où l'application est ouverte, et les 14 dernières y seront gardées."))
		b.stopAuto.Hide()
	} else {
		b.auto.SetText(lang.X("backups.auto_on", "Sauvegarde automatique : chaque jour dans {{.Folder}} (les 14 dernières sont gardées). La phrase de passe choisie ouvre chacune d'elles.", map[string]any{"Folder": st.Folder}))
		b.stopAuto.Show()
	}
	b.relayout()
}

// chooseFile asks where to write the backup (the save dialog), then the
// passphrase.
func (b *backupsCard) chooseFile() {
	b.u.idle.touch()
	savePath(b.u, lang.X("backups.save_title", "Enregistrer la sauvegarde"),
		"garderie-"+b.u.api.Now().Local().Format("2006-01-02")+".apetitspas", kindBackup, b.backupTo)
}

// backupTo asks the passphrase (twice) and the code, then writes the
// backup to path off the UI goroutine.
func (b *backupsCard) backupTo(path string) {
	b.passphrase = newPassphraseDialog(b.u, lang.X("backups.now_title", "Sauvegarder maintenant"),
		lang.X("backups.now_text", "Le fichier : {{.File}}", map[string]any{"File": path}),
		lang.X("backups.now_confirm", "Sauvegarder"),
		func(h *apetitspas.Handle, passphrase, code string) error {
			_, _, err := b.u.api.WriteBackup(context.Background(), h, apetitspas.BackupRequest{
				Out: path, Passphrase: passphrase, Code: code, AppVersion: assets.Version})
			return err
		},
		func() {
			b.load()
			b.status.info(lang.X("backups.done", "Sauvegarde écrite dans {{.File}}. Rangez-la en lieu sûr, loin de l'ordinateur (une clé USB que vous emportez, par exemple).", map[string]any{"File": path}))
		})
}

// chooseFolder asks the folder of the daily backups, then the passphrase.
func (b *backupsCard) chooseFolder() {
	b.u.idle.touch()
	chooseFolder(b.u, lang.X("backups.folder_title", "Dossier des sauvegardes automatiques"), b.autoInto)
}

// autoInto asks the passphrase (twice) and the code, then sets the daily
// backups into folder.
func (b *backupsCard) autoInto(folder string) {
	b.passphrase = newPassphraseDialog(b.u, lang.X("backups.auto_title", "Sauvegarde automatique"),
		lang.X("backups.auto_text", "Chaque jour dans : {{.Folder}}. Choisissez la phrase de passe qui ouvrira ces sauvegardes ; elle n'est gardée nulle part en clair.", map[string]any{"Folder": folder}),
		lang.X("backups.auto_confirm", "Activer"),
		func(h *apetitspas.Handle, passphrase, code string) error {
			return b.u.api.SetAutoBackup(context.Background(), h, folder, passphrase, code)
		},
		func() {
			b.load()
			b.status.info(lang.X("backups.auto_done", "Sauvegarde automatique activée."))
		})
}

// confirmStop stops the daily backups (with the code).
func (b *backupsCard) confirmStop() {
	b.u.idle.touch()
	b.confirming = newAdminConfirm(b.u, adminAction{
		title:       lang.X("backups.stop_title", "Arrêter la sauvegarde automatique ?"),
		message:     lang.X("backups.stop_text", "Les sauvegardes déjà faites restent dans le dossier. Aucune nouvelle ne sera faite."),
		confirmText: lang.X("backups.stop_confirm", "Arrêter"),
		askCode:     b.u.codeAsked(),
		act: func(h *apetitspas.Handle, code string) error {
			return b.u.api.SetAutoBackup(context.Background(), h, "", "", code)
		},
		closed: func(done bool) {
			if done {
				b.load()
			}
		},
	})
}

// passphraseDialog asks a new passphrase twice (with a strength hint) and,
// when needed, the administrator's code, then runs act off the UI
// goroutine; a refusal is shown in the dialog, which stays open.
type passphraseDialog struct {
	dialog  *dialog.CustomDialog
	first   *widget.Entry
	second  *widget.Entry
	hint    *widget.Label
	code    *widget.Entry
	confirm *button
	cancel  *button
	status  *relaidStatus
	working bool
}

func newPassphraseDialog(u *UI, title, text, confirmText string,
	act func(h *apetitspas.Handle, passphrase, code string) error, done func()) *passphraseDialog {
	d := &passphraseDialog{}
	d.status = newRelaidStatus(func() { refreshDialog(d.dialog) })
	intro := widget.NewLabel(text)
	intro.Wrapping = fyne.TextWrapWord
	d.first = u.newEntry(true)
	d.first.SetPlaceHolder(lang.X("backups.passphrase", "Phrase de passe"))
	d.second = u.newEntry(true)
	d.second.SetPlaceHolder(lang.X("backups.passphrase_again", "La même, une deuxième fois"))
	d.hint = widget.NewLabel(passphraseHint(""))
	d.hint.Wrapping = fyne.TextWrapWord
	d.first.OnChanged = func(s string) { d.hint.SetText(passphraseHint(s)) }
	var submit func()
	d.first.OnSubmitted = func(string) { u.win.Canvas().Focus(d.second) }
	d.code = newCodeEntry(u, func() { submit() })
	objs := []fyne.CanvasObject{intro, d.first, d.second, d.hint}
	if u.codeAsked() {
		d.second.OnSubmitted = func(string) { u.win.Canvas().Focus(d.code) }
		codeLabel := widget.NewLabel(lang.X("users.admin_code", "Votre code à 6 chiffres"))
		codeLabel.TextStyle = fyne.TextStyle{Bold: true}
		objs = append(objs, codeLabel, d.code)
	} else {
		d.second.OnSubmitted = func(string) { submit() }
	}
	submit = func() {
		if d.working {
			return
		}
		u.idle.touch()
		if d.first.Text != d.second.Text {
			d.status.error(lang.X("backups.mismatch", "Les deux phrases de passe ne sont pas identiques."))
			return
		}
		if err := apetitspas.ValidatePassphrase(d.first.Text); err != nil {
			d.status.error(ErrorText(err))
			return
		}
		d.working = true
		d.status.busy()
		pass, code := d.first.Text, strings.TrimSpace(d.code.Text)
		u.sessionWork(func(h *apetitspas.Handle) error { return act(h, pass, code) }, func(err error) {
			d.working = false
			d.status.idle()
			if err != nil {
				d.code.SetText("")
				d.status.error(ErrorText(err))
				return
			}
			d.dialog.Hide()
			done()
		})
	}
	d.confirm = newButton(confirmText, nil, submit)
	d.confirm.Importance = widget.HighImportance
	d.cancel = newButton(lang.X("mfa.confirm_cancel", "Annuler"), nil, func() {
		if !d.working {
			d.dialog.Hide()
		}
	})
	d.confirm.onEscape, d.cancel.onEscape = d.cancel.OnTapped, d.cancel.OnTapped
	objs = append(objs, d.status.area(), container.NewGridWithColumns(2, d.cancel, d.confirm))
	d.dialog = dialog.NewCustomWithoutButtons(title, container.NewVBox(objs...), u.win)
	d.dialog.Resize(fyne.NewSize(min(560, u.win.Canvas().Size().Width-40), 0))
	d.dialog.Show()
	u.win.Canvas().Focus(d.first)
	return d
}

// passphraseHint says how good a passphrase is, in plain words.
func passphraseHint(p string) string {
	n, words := utf8.RuneCountInString(p), len(strings.Fields(p))
	switch {
	case n == 0:
		return lang.X("backups.hint_empty", "Au moins 12 caractères. Une courte phrase de plusieurs mots, facile à retenir, est le meilleur choix.")
	case n < apetitspas.MinPassphraseRunes:
		return lang.X("backups.hint_short", "Trop courte : au moins 12 caractères.")
	case words >= 4 || n >= 24:
		return lang.X("backups.hint_good", "Bonne phrase de passe.")
	default:
		return lang.X("backups.hint_ok", "Acceptée ; une phrase de quatre mots ou plus serait encore plus sûre.")
	}
}
