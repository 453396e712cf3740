package screens

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// setupScreen is the first run: the daycare's name and the first
// administrator. It only appears while the database has no administrator.
type setupScreen struct {
	u        *UI
	content  fyne.CanvasObject
	daycare  *widget.Entry
	name     *widget.Entry
	email    *widget.Entry
	password *widget.Entry
	confirm  *widget.Entry
	// rule is the password rule, shown above the password's field.
	rule   *widget.Label
	button *button
	status *status
}

func newSetupScreen(u *UI) *setupScreen {
	s := &setupScreen{u: u, status: newStatus()}
	s.daycare = u.newEntry(false)
	s.daycare.SetPlaceHolder(lang.X("setup.daycare_placeholder", "ex. CPE Les Lucioles"))
	s.name = u.newEntry(false)
	s.name.SetPlaceHolder(lang.X("setup.name_placeholder", "Prénom et nom"))
	s.email = u.newEntry(false)
	s.email.SetPlaceHolder(lang.X("login.email_placeholder", "courriel@exemple.ca"))
	s.password = u.newEntry(true)
	s.confirm = u.newEntry(true)
	s.confirm.OnSubmitted = func(string) { s.submit() }
	// Return in a field goes to the next one; in the last, it submits.
	for i, e := range []*widget.Entry{s.daycare, s.name, s.email, s.password} {
		next := []*widget.Entry{s.name, s.email, s.password, s.confirm}[i]
		e.OnSubmitted = func(string) { u.win.Canvas().Focus(next) }
	}
	s.button = newButton(lang.X("setup.submit", "Créer le compte administrateur"), nil, s.submit)
	s.button.Importance = widget.HighImportance

	intro := widget.NewLabel(lang.X("setup.intro", "Bienvenue ! Avant de commencer, donnez le nom de votre service de garde et créez le premier compte administrateur. Vous pourrez ensuite ajouter le personnel et les parents."))
	intro.Wrapping = fyne.TextWrapWord
	// The first administrator signs in with her password alone until she
	// turns her multi-factor sign-in on.
	s.rule = newPasswordRule(apetitspas.MinPasswordLen)
	form := container.NewVBox(
		brand(""),
		widget.NewLabelWithStyle(lang.X("setup.title", "Première utilisation"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		intro,
		widget.NewLabel(lang.X("setup.daycare", "Nom du service de garde")), s.daycare,
		widget.NewLabel(lang.X("setup.name", "Votre nom")), s.name,
		widget.NewLabel(lang.X("login.email", "Courriel")), s.email,
		widget.NewLabel(lang.X("login.password", "Mot de passe")), s.rule, s.password,
		widget.NewLabel(lang.X("setup.confirm", "Confirmez le mot de passe")), s.confirm,
		s.button, s.status.area(),
	)
	s.content = centered(form, 440)
	return s
}

func (s *setupScreen) submit() {
	if s.button.Disabled() {
		return
	}
	s.u.idle.touch()
	daycare, email := s.daycare.Text, s.email.Text
	admin := apetitspas.NewUser{Name: s.name.Text, Email: email, Password: s.password.Text}
	confirm := s.confirm.Text
	fields := []fyne.Disableable{s.button, s.daycare, s.name, s.email, s.password, s.confirm}
	enable(false, fields...)
	s.status.busy()
	var created apetitspas.User
	s.u.background(func() error {
		if s.u.setup == nil {
			return &apetitspas.Error{Code: apetitspas.EUNAVAILABLE, Reason: apetitspas.ReasonStorage}
		}
		var err error
		created, err = s.u.setup(context.Background(), daycare, admin, confirm)
		return err
	}, func(err error) {
		enable(true, fields...)
		if err != nil {
			s.status.error(ErrorText(err))
			return
		}
		s.u.daycare, _ = s.u.api.DaycareName(context.Background())
		s.u.updateTitle()
		s.u.showLogin(created.Email, lang.X("setup.done", "Votre compte administrateur est créé. Connectez-vous avec votre mot de passe."))
	})
}
