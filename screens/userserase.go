package screens

import (
	"context"

	"fyne.io/fyne/v2/lang"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// confirmErase is « Effacer les données… » (Loi 25): the confirmation
// says what goes and what stays, and asks for the administrator's
// password and code (the service checks both again, and its permission
// table decides who may be erased).
func (p *usersPage) confirmErase() {
	user := p.selected
	if user == nil || p.perm == nil || p.eraseBtn.Disabled() {
		return
	}
	p.u.idle.touch()
	target, perm := *user, p.perm.Erase
	data := map[string]any{"Name": target.Name, "Email": target.Email}
	msg := lang.X("users.erase_text", "Vous allez effacer les données de {{.Name}} ({{.Email}}), par exemple quand sa famille a quitté la garderie.\n\nCe qui disparaît : son nom, son courriel, son mot de passe, le code secret de son AMF et ses codes de récupération ou de réactivation. Son compte n'existera plus : il ne pourra pas être réactivé.\n\nCe qui reste : les lignes du journal qui la concernent, où elle s'appellera «\u00a0Personne effacée (n° …)\u00a0», pour que le journal reste vérifiable. Les sauvegardes faites avant aujourd'hui contiennent encore ses données jusqu'à ce qu'elles soient remplacées.\n\nC'est définitif. Pour confirmer, entrez votre mot de passe.", data)
	var number int64
	p.confirm(adminAction{
		title: lang.X("users.erase_title", "Effacer les données de cette personne ?"), message: msg,
		confirmText: lang.X("users.erase_confirm", "Effacer définitivement"),
		askCode:     p.askCode(perm), askPassword: true, slow: true, destructive: true,
		actPassword: func(h *apetitspas.Handle, password, code string) error {
			var err error
			number, err = p.u.api.EraseUser(context.Background(), h, target.Email, password, code)
			return err
		},
		closed: func(done bool) {
			if !done {
				return
			}
			p.load() // she is no longer in the list: nothing is selected
			p.showActions()
			data["Number"] = number
			p.status.info(lang.X("users.erase_done", "Les données de {{.Name}} sont effacées. Le journal la nomme désormais «\u00a0Personne effacée (n° {{.Number}})\u00a0».", data))
		},
	})
}
