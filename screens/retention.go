package screens

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// retentionCard is Sécurité → « Conservation des renseignements » (Loi 25):
// how long a disabled account is kept before it is offered for erasure,
// how long the journal names a person who has no account any more, and
// the disabled accounts past the first, ticked, erased with one
// confirmation (the administrator's password, and her code when stale).
// The service decides everything: which accounts are listed, which may
// be erased, the bounds of both settings.
type retentionCard struct {
	u        *UI
	relayout func()
	card     *widget.Card

	months, years *widget.Entry
	save          *button
	// saveStatus is the line beside « Enregistrer ».
	saveStatus *relaidStatus

	// summary says how many accounts are listed (or that none is).
	summary *widget.Label
	list    *fyne.Container
	// accounts are the accounts listed, checks their boxes (same order).
	accounts []apetitspas.DisabledAccount
	checks   []*widget.Check
	erase    *button
	status   *relaidStatus
	// The settings in force when last read: the list was read with
	// listedMonths; saving other values asks for the code when stale.
	listedMonths, listedYears int

	// confirming is the confirmation while it is shown.
	confirming *adminConfirm
}

func newRetentionCard(u *UI, relayout func()) *retentionCard {
	c := &retentionCard{u: u, relayout: relayout}
	c.saveStatus = newRelaidStatus(relayout)
	c.status = newRelaidStatus(relayout)
	help := wrapped(lang.X("retention.help", "La Loi 25 demande de détruire les renseignements personnels dont on n'a plus besoin. Un compte désactivé depuis plus longtemps que le délai ci-dessous est proposé ici pour l'effacement. Dans le journal, une personne qui n'a plus de compte et qu'aucun événement récent ne nomme perd son courriel une fois le délai du journal passé : les lignes restent, elle y devient «\u00a0Personne effacée (n° …)\u00a0», et le journal reste vérifiable. Ce nettoyage se fait seul, une fois par jour."))
	c.months = u.newEntry(false)
	c.months.OnSubmitted = func(string) { c.saveSettings() }
	c.years = u.newEntry(false)
	c.years.OnSubmitted = func(string) { c.saveSettings() }
	c.save = newButton(lang.X("retention.save", "Enregistrer les délais"), nil, c.saveSettings)
	monthsLabel := widget.NewLabel(lang.X("retention.months", "Comptes désactivés : proposer l'effacement après (mois)"))
	yearsLabel := widget.NewLabel(lang.X("retention.years", "Journal : retirer le courriel des personnes sans compte après (ans)"))
	bounds := wrapped(lang.X("retention.bounds", "De 1 à 120 mois pour les comptes, de 1 à 50 ans pour le journal. Chaque changement est inscrit au journal."))
	// Each delay beside its sentence, the two fields one above the other.
	field := func(e *widget.Entry) fyne.CanvasObject {
		return container.NewHBox(container.New(&fixedWidth{width: 90}, e))
	}
	settings := container.New(layout.NewFormLayout(), monthsLabel, field(c.months), yearsLabel, field(c.years))

	c.summary = widget.NewLabel("")
	c.summary.Wrapping = fyne.TextWrapWord
	c.list = container.NewVBox()
	c.erase = newButton("", theme.DeleteIcon(), c.confirmErase)
	c.erase.Importance = widget.DangerImportance
	c.card = sectionCard(lang.X("retention.title", "Conservation des renseignements"),
		help, settings, besideRow(c.save, c.saveStatus.message), bounds,
		widget.NewSeparator(),
		c.summary, c.list, besideRow(c.erase, c.status.message))
	c.load()
	return c
}

// load shows both settings and the accounts listed, all ticked.
func (c *retentionCard) load() {
	r, err := c.u.api.Retention(context.Background(), c.u.handle)
	if err != nil {
		c.status.error(ErrorText(err))
		c.fill(nil)
		return
	}
	c.months.SetText(strconv.Itoa(r.DisabledMonths))
	c.years.SetText(strconv.Itoa(r.JournalYears))
	c.listedMonths, c.listedYears = r.DisabledMonths, r.JournalYears
	c.fill(r.Disabled)
}

// fill lists the accounts, each ticked.
func (c *retentionCard) fill(accounts []apetitspas.DisabledAccount) {
	c.accounts = accounts
	c.checks = nil
	c.list.RemoveAll()
	for _, a := range accounts {
		data := map[string]any{"Name": a.Name, "Email": a.Email, "Role": roleWord(string(a.Role)), "Since": formatDate(a.Since)}
		ch := widget.NewCheck(lang.X("retention.account", "{{.Name}} ({{.Email}}) — {{.Role}}, désactivé depuis le {{.Since}}", data), func(bool) {
			c.u.idle.touch()
			c.showCount()
		})
		ch.SetChecked(true)
		c.checks = append(c.checks, ch)
		c.list.Add(ch)
	}
	data := map[string]any{"Months": c.listedMonths, "Count": len(accounts)}
	switch len(accounts) {
	case 0:
		c.summary.SetText(lang.X("retention.none", "Aucun compte n'est désactivé depuis plus de {{.Months}} mois.", data))
		c.list.Hide()
		c.erase.Hide()
	case 1:
		c.summary.SetText(lang.X("retention.one", "Un compte est désactivé depuis plus de {{.Months}} mois. Décochez-le pour le garder.", data))
		c.list.Show()
		c.erase.Show()
	default:
		c.summary.SetText(lang.X("retention.some", "{{.Count}} comptes sont désactivés depuis plus de {{.Months}} mois. Décochez ceux à garder.", data))
		c.list.Show()
		c.erase.Show()
	}
	c.showCount()
	c.relayout()
}

// chosen are the e-mails ticked, in the list's order.
func (c *retentionCard) chosen() []apetitspas.DisabledAccount {
	var out []apetitspas.DisabledAccount
	for i, ch := range c.checks {
		if ch.Checked {
			out = append(out, c.accounts[i])
		}
	}
	return out
}

// showCount names the button after the accounts ticked.
func (c *retentionCard) showCount() {
	n := len(c.chosen())
	if n == 1 {
		c.erase.SetText(lang.X("retention.erase_one", "Effacer le compte…"))
	} else {
		c.erase.SetText(lang.X("retention.erase_some", "Effacer les {{.Count}} comptes…", map[string]any{"Count": n}))
	}
	enable(n > 0, c.erase)
}

// saveSettings saves both settings and says so beside the button (or
// why not: nothing changed then). Changing a delay is a strong action:
// with the code stale, a confirmation asks for it first.
func (c *retentionCard) saveSettings() {
	c.u.idle.touch()
	months, years := typedNumber(c.months), typedNumber(c.years)
	data := map[string]any{"Months": months, "Years": years}
	saved := func() {
		c.load()
		c.saveStatus.info(lang.X("retention.saved", "Enregistré : comptes désactivés après {{.Months}} mois, journal après {{.Years}} ans.", data))
	}
	if err := apetitspas.CheckRetention(months, years); err != nil {
		c.saveStatus.error(ErrorText(err))
		return
	}
	if (months == c.listedMonths && years == c.listedYears) || !c.u.codeAsked() {
		err := c.u.api.SetRetention(context.Background(), c.u.handle, months, years, "")
		if err == nil {
			saved()
			return
		}
		if apetitspas.ErrorReason(err) != apetitspas.ReasonAdminCodeRequired {
			c.saveStatus.error(ErrorText(err))
			return
		}
	}
	c.confirming = newAdminConfirm(c.u, adminAction{
		title:       lang.X("retention.confirm_title", "Changer les délais de conservation ?"),
		message:     lang.X("retention.confirm_text", "Comptes désactivés : effacement proposé après {{.Months}} mois.\nJournal : courriel retiré des personnes sans compte après {{.Years}} ans.\n\nUn délai plus court efface ou retire des renseignements plus tôt.", data),
		confirmText: lang.X("retention.save", "Enregistrer les délais"),
		askCode:     true,
		act: func(h *apetitspas.Handle, code string) error {
			return c.u.api.SetRetention(context.Background(), h, months, years, code)
		},
		closed: func(done bool) {
			c.confirming = nil
			if done {
				saved()
			}
		},
	})
}

// confirmErase asks once for the accounts ticked: what goes and what
// stays, the administrator's password and, when stale, her code.
func (c *retentionCard) confirmErase() {
	chosen := c.chosen()
	if len(chosen) == 0 || c.erase.Disabled() {
		return
	}
	c.u.idle.touch()
	names := make([]string, 0, len(chosen))
	emails := make([]string, 0, len(chosen))
	for i, a := range chosen {
		emails = append(emails, a.Email)
		if i < maxNamesShown {
			names = append(names, "• "+a.Name+" ("+a.Email+")")
		}
	}
	if len(chosen) > maxNamesShown {
		names = append(names, lang.X("retention.and_others", "… et {{.Count}} autres", map[string]any{"Count": len(chosen) - maxNamesShown}))
	}
	data := map[string]any{"Count": len(chosen), "Names": strings.Join(names, "\n")}
	msg := lang.X("retention.erase_text", "Vous allez effacer les données de ces {{.Count}} personnes :\n{{.Names}}\n\nCe qui disparaît : leur nom, leur courriel, leur mot de passe, le code secret de leur AMF et leurs codes de récupération ou de réactivation. Leurs comptes n'existeront plus : ils ne pourront pas être réactivés.\n\nCe qui reste : les lignes du journal qui les concernent, où chacune s'appellera «\u00a0Personne effacée (n° …)\u00a0», pour que le journal reste vérifiable. Les sauvegardes faites avant aujourd'hui contiennent encore leurs données jusqu'à ce qu'elles soient remplacées.\n\nC'est définitif. Pour confirmer, entrez votre mot de passe.", data)
	title := lang.X("retention.erase_title", "Effacer les données de {{.Count}} personnes ?", data)
	if len(chosen) == 1 {
		data["Name"], data["Email"] = chosen[0].Name, chosen[0].Email
		msg = lang.X("users.erase_text", "Vous allez effacer les données de {{.Name}} ({{.Email}}), par exemple quand sa famille a quitté la garderie.\n\nCe qui disparaît : son nom, son courriel, son mot de passe, le code secret de son AMF et ses codes de récupération ou de réactivation. Son compte n'existera plus : il ne pourra pas être réactivé.\n\nCe qui reste : les lignes du journal qui la concernent, où elle s'appellera «\u00a0Personne effacée (n° …)\u00a0», pour que le journal reste vérifiable. Les sauvegardes faites avant aujourd'hui contiennent encore ses données jusqu'à ce qu'elles soient remplacées.\n\nC'est définitif. Pour confirmer, entrez votre mot de passe.", data)
		title = lang.X("users.erase_title", "Effacer les données de cette personne ?")
	}
	var out []apetitspas.ErasedAccount
	closed := func(done bool) {
		c.confirming = nil
		if !done {
			return
		}
		c.load()
		c.status.info(erasedText(out, chosen))
	}
	c.confirming = newAdminConfirm(c.u, adminAction{
		title: title, message: msg,
		confirmText: lang.X("users.erase_confirm", "Effacer définitivement"),
		askCode:     c.u.codeAsked(), askPassword: true, slow: true, destructive: true,
		actPassword: func(h *apetitspas.Handle, password, code string) error {
			var err error
			out, err = c.u.api.EraseDisabled(context.Background(), h, emails, password, code)
			return err
		},
		closed: closed,
	})
}

// maxNamesShown is how many names the confirmation lists before « … et N
// autres ».
const maxNamesShown = 8

// erasedText says how many were erased and, for each one that was not,
// why.
func erasedText(out []apetitspas.ErasedAccount, chosen []apetitspas.DisabledAccount) string {
	names := map[string]string{}
	for _, a := range chosen {
		names[a.Email] = a.Name
	}
	var done int
	var refused []string
	for _, o := range out {
		if o.Reason == "" {
			done++
			continue
		}
		why := reasonText(o.Reason)
		if why == "" {
			why = o.Reason
		}
		refused = append(refused, lang.X("retention.refused_one", "{{.Name}} : {{.Why}}", map[string]any{"Name": names[o.Email], "Why": why}))
	}
	var s string
	if done == 1 {
		s = lang.X("retention.erased_one", "Un compte est effacé. Le journal nomme cette personne «\u00a0Personne effacée (n° …)\u00a0».")
	} else {
		s = lang.X("retention.erased_some", "{{.Count}} comptes sont effacés. Le journal nomme ces personnes «\u00a0Personne effacée (n° …)\u00a0».", map[string]any{"Count": done})
	}
	if len(refused) > 0 {
		s += " " + lang.X("retention.refused", "Non effacés : {{.List}}.", map[string]any{"List": strings.Join(refused, " ; ")})
	}
	return s
}
