package screens

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// maxNamedAccounts is how many accounts changed outside the application
// the warning names; more are counted.
const maxNamedAccounts = 10

// integrityBanner warns administrators, above the main window, that the
// database file was changed outside the application (or that its key
// cannot be used): what was found, in plain words, and what to do. It is
// hidden while the integrity check finds nothing.
type integrityBanner struct {
	u       *UI
	content *fyne.Container

	title *widget.Label
	// summary is the banner's one line (the first of text, cut with an
	// ellipsis); details opens the whole text in a dialog (detailsDialog
	// while it is open).
	summary       *widget.Label
	details       *button
	detailsDialog *dialog.CustomDialog
	// text says what was found and what to do.
	text *widget.Label
	// ack is "J'ai vérifié": the administrator acknowledges the findings
	// (with her own code); the warning comes back if something new is
	// found.
	ack    *button
	status *widget.Label
	// confirm is the acknowledgement's confirmation while it is shown.
	confirm *adminConfirm
	// report is the last report shown.
	report apetitspas.IntegrityReport
}

func newIntegrityBanner(u *UI) *integrityBanner {
	b := &integrityBanner{u: u}
	b.title = widget.NewLabelWithStyle(lang.X("integrity.title", "Avertissement de sécurité"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b.title.Importance = widget.DangerImportance
	b.text = widget.NewLabel("")
	b.text.Wrapping = fyne.TextWrapWord
	b.status = widget.NewLabel("")
	b.status.Wrapping = fyne.TextWrapWord
	b.status.Importance = widget.SuccessImportance
	b.status.Hide()
	b.summary = widget.NewLabel("")
	b.summary.Truncation = fyne.TextTruncateEllipsis
	b.summary.Importance = widget.DangerImportance
	b.ack = newButton(lang.X("integrity.ack", "J'ai vérifié"), nil, b.acknowledge)
	b.details = newButton(lang.X("banner.details", "Détails"), theme.InfoIcon(), func() {
		b.detailsDialog = showBannerDetails(u, b.title.Text, b.text.Text)
	})
	b.content = bannerBox(theme.ColorNameError, widget.NewIcon(theme.ErrorIcon()),
		container.New(layout.NewCustomPaddedVBoxLayout(-theme.InnerPadding()),
			container.NewBorder(nil, nil, b.title, nil, b.summary), b.status),
		container.NewHBox(b.details, b.ack))
	b.content.Hide()
	return b
}

// visible reports whether the warning is shown.
func (b *integrityBanner) visible() bool { return b.content.Visible() }

// checkIntegrity runs the administrators' integrity check off the UI
// goroutine (it reads the whole journal), then shows or hides the warning.
// It does nothing for other people.
func (u *UI) checkIntegrity() {
	h := u.handle
	if h == nil || u.integrity == nil || h.User().Role != apetitspas.RoleAdmin {
		return
	}
	snap := snapshot(h) // read-only work: the handle itself is left alone
	var (
		r      apetitspas.IntegrityReport
		names  = map[string]string{}
		admins []apetitspas.User
	)
	u.background(func() error {
		ctx := context.Background()
		var err error
		if r, err = u.api.CheckIntegrity(ctx, snap); err != nil {
			return err
		}
		for i, email := range append(append([]string(nil), r.Accounts...), r.RolledBack...) {
			if i == 2*maxNamedAccounts {
				break
			}
			found, err := u.api.Users(ctx, snap, apetitspas.UserFilter{Query: email, Limit: 20})
			if err != nil {
				return err
			}
			for _, f := range found {
				if f.Email == email {
					names[email] = f.Name
				}
			}
		}
		if !r.SealedAt.IsZero() {
			admins, err = u.api.Users(ctx, snap, apetitspas.UserFilter{Role: apetitspas.RoleAdmin})
		}
		return err
	}, func(err error) {
		if u.handle != h || u.integrity == nil || err != nil {
			return
		}
		u.integrity.show(r, names, admins)
	})
}

// show shows what r found, or hides the warning when r is OK.
func (b *integrityBanner) show(r apetitspas.IntegrityReport, names map[string]string, admins []apetitspas.User) {
	b.report = r
	defer b.u.relayoutBanners()
	if sh := b.u.shell; sh != nil && sh.home != nil {
		sh.home.showTamper(!r.OK())
	}
	if r.OK() {
		b.content.Hide()
		return
	}
	b.text.SetText(integrityText(r, names, admins...))
	b.summary.SetText(firstLine(b.text.Text))
	b.ack.Hidden = r.KeyProblem != nil // nothing can be vouched for without the key
	b.status.Hide()
	b.content.Show()
}

// firstLine is text up to its first line end, without a closing colon.
func firstLine(text string) string {
	line, _, _ := strings.Cut(text, "\n")
	return strings.TrimRight(strings.TrimSuffix(strings.TrimSpace(line), ":"), " \u00a0")
}

// showBannerDetails opens the whole text of a banner in a dialog that
// scrolls, Fermer focused (Return, Escape or Space close it).
func showBannerDetails(u *UI, title, text string) *dialog.CustomDialog {
	u.idle.touch()
	closeButton := newButton(lang.X("help.close", "Fermer"), nil, nil)
	closeButton.Importance = widget.HighImportance
	d := u.newDialog(title, container.NewVScroll(wrapped(text)), nil, closeButton)
	closeButton.OnTapped = d.Hide
	size := u.win.Canvas().Size()
	d.Resize(fyne.NewSize(min(640, size.Width-40), min(460, size.Height-40)))
	d.Show()
	u.win.Canvas().Focus(closeButton)
	return d
}

// integrityText tells an administrator, in plain words, what the check
// found and what to do. admins are listed after a new sealing (who can
// act as an administrator is what to check first).
func integrityText(r apetitspas.IntegrityReport, names map[string]string, admins ...apetitspas.User) string {
	var found []string
	if r.JournalBroken() {
		found = append(found, lang.X("integrity.journal", "Des entrées du journal de sécurité ont été modifiées ou supprimées."))
	}
	if n := len(r.Accounts); n > 0 {
		list := namedList(r.Accounts, names)
		if n == 1 {
			found = append(found, lang.X("integrity.account", "Un compte a été modifié hors de l'application : {{.Names}}.", map[string]any{"Names": list}))
		} else {
			found = append(found, lang.X("integrity.accounts", "{{.Count}} comptes ont été modifiés hors de l'application : {{.Names}}.", map[string]any{"Count": n, "Names": list}))
		}
	}
	if n := len(r.Missing); n > 0 {
		list := strings.Join(r.Missing[:min(n, maxNamedAccounts)], ", ")
		if n > maxNamedAccounts {
			list += lang.X("integrity.accounts_more", " et {{.Count}} autres", map[string]any{"Count": n - maxNamedAccounts})
		}
		if n == 1 {
			found = append(found, lang.X("integrity.missing", "Un compte a été supprimé hors de l'application : {{.Names}}.", map[string]any{"Names": list}))
		} else {
			found = append(found, lang.X("integrity.missings", "{{.Count}} comptes ont été supprimés hors de l'application : {{.Names}}.", map[string]any{"Count": n, "Names": list}))
		}
	}
	if r.SettingsChanged {
		found = append(found, lang.X("integrity.settings", "Des réglages (par exemple l'AMF imposée au personnel ou le délai de verrouillage) ont été modifiés hors de l'application."))
	}
	if n := len(r.RolledBack); n > 0 {
		list := namedList(r.RolledBack, names)
		if n == 1 {
			found = append(found, lang.X("integrity.rolled_back", "Une ancienne copie d'un compte a été remise à la place de la plus récente (par exemple pour le réactiver ou retirer son AMF) : {{.Names}}. Ce compte ne peut pas se connecter tant qu'un administrateur ne l'a pas rétabli.", map[string]any{"Names": list}))
		} else {
			found = append(found, lang.X("integrity.rolled_backs", "D'anciennes copies de {{.Count}} comptes ont été remises à la place des plus récentes : {{.Names}}. Ces comptes ne peuvent pas se connecter tant qu'un administrateur ne les a pas rétablis.", map[string]any{"Count": n, "Names": list}))
		}
	}
	if r.JournalRolledBack {
		found = append(found, lang.X("integrity.journal_rolled_back", "Les derniers événements du journal de sécurité ont été retirés et une ancienne fin du journal remise."))
	}
	if r.SettingsRolledBack {
		found = append(found, lang.X("integrity.settings_rolled_back", "D'anciens réglages ont été remis à la place des plus récents."))
	}
	if r.SeenCounter > 0 {
		found = append(found, lang.X("integrity.file_rolled_back", "La base entière a été remise dans un état plus ancien que celui déjà vu sur cet ordinateur (écriture n° {{.Found}} au lieu de n° {{.Seen}}) : ce qui a été fait depuis a disparu.", map[string]any{"Found": r.Counter, "Seen": r.SeenCounter}))
	}
	var parts []string
	if len(found) > 0 {
		parts = append(parts, lang.X("integrity.intro", "Le fichier de la base de données a été modifié en dehors d'À petits pas, par exemple avec un autre logiciel :"))
		for _, f := range found {
			parts = append(parts, "• "+f)
		}
	}
	if r.KeyProblem != nil {
		parts = append(parts, ErrorText(r.KeyProblem))
	}
	if !r.SealedAt.IsZero() {
		parts = append(parts, lang.X("integrity.sealed", "Les sceaux de sécurité des comptes et du journal ont été posés le {{.When}}. C'est normal une seule fois, juste après la mise à jour vers cette version. Si ce n'est pas le cas, quelqu'un a pu effacer les sceaux du fichier pour y modifier des comptes : vérifiez les comptes des administrateurs et l'AMF de chacun.",
			map[string]any{"When": formatDateTime(r.SealedAt)}))
		if len(admins) > 0 {
			list := make([]string, 0, len(admins))
			for _, a := range admins {
				list = append(list, a.Name+" ("+a.Email+", "+adminMFAText(a.MFA)+")")
			}
			parts = append(parts, lang.X("integrity.sealed_admins", "Administrateurs en ce moment : {{.Admins}}.", map[string]any{"Admins": strings.Join(list, " ; ")}))
		}
	}
	if len(parts) == 0 || (len(found) == 0 && r.KeyProblem == nil && r.Recorded > 0) {
		parts = append(parts, lang.X("integrity.recorded", "Le journal a noté des modifications faites en dehors d'À petits pas depuis la dernière vérification par un administrateur."))
	}
	todo := lang.X("integrity.todo", "Que faire : le journal en garde une trace. Vérifiez les comptes nommés dans Utilisateurs (bouton «\u00a0Vérifier et rétablir…\u00a0»), puis contactez votre technicien.")
	if r.SettingsChanged {
		todo += " " + lang.X("integrity.todo_settings", "Vérifiez aussi la page Sécurité et enregistrez de nouveau les bons réglages.")
	}
	return strings.Join(append(parts, todo), "\n")
}

// namedList is "Name (e-mail), …" for at most maxNamedAccounts accounts,
// then how many more.
func namedList(emails []string, names map[string]string) string {
	named := make([]string, 0, min(len(emails), maxNamedAccounts))
	for i, email := range emails {
		if i == maxNamedAccounts {
			break
		}
		if name := names[email]; name != "" {
			named = append(named, name+" ("+email+")")
		} else {
			named = append(named, email)
		}
	}
	list := strings.Join(named, ", ")
	if n := len(emails); n > maxNamedAccounts {
		list += lang.X("integrity.accounts_more", " et {{.Count}} autres", map[string]any{"Count": n - maxNamedAccounts})
	}
	return list
}

// acknowledge asks the administrator to confirm, with her own code, that
// she has looked at what was found.
func (b *integrityBanner) acknowledge() {
	u := b.u
	if b.ack.Disabled() || !b.ack.Visible() {
		return
	}
	u.idle.touch()
	b.confirm = newAdminConfirm(u, adminAction{
		title:       lang.X("integrity.ack_title", "Vous avez vérifié ?"),
		message:     lang.X("integrity.ack_text", "Confirmez que vous avez vérifié ce qui a été trouvé et, au besoin, rétabli les comptes nommés. L'avertissement disparaîtra jusqu'à ce qu'une nouvelle modification soit trouvée. Le journal garde la trace de votre vérification."),
		confirmText: lang.X("integrity.ack_confirm", "Confirmer"),
		askCode:     u.codeAsked(),
		act: func(h *apetitspas.Handle, code string) error {
			return u.api.AcknowledgeIntegrity(context.Background(), h, code)
		},
		closed: func(done bool) {
			b.confirm = nil
			if done {
				u.checkIntegrity()
			}
		},
	})
}

// adminMFAText is an administrator's AMF state in the integrity warning.
func adminMFAText(m apetitspas.MFAState) string {
	switch m {
	case apetitspas.MFAOn:
		return lang.X("integrity.admin_mfa_on", "AMF activée")
	case apetitspas.MFAPending:
		return lang.X("integrity.admin_mfa_pending", "AMF à configurer")
	default:
		return lang.X("integrity.admin_mfa_off", "AMF désactivée")
	}
}
