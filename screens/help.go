package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
)

// helpText is the "Aide" page: the product document's help, in our words.
// The spaces after « et » and between a number and its unit are
// non-breaking (U+00A0) in this raw string, as in the translations.
func helpText() string {
	return lang.X("help.text", `## La connexion multi-facteurs (AMF)

En plus de votre mot de passe, un code à 6 chiffres affiché par une application sur votre téléphone vous est demandé à chaque connexion. Le code change toutes les 30 secondes. Même si quelqu'un connaît votre mot de passe, il ne peut pas entrer sans votre téléphone.

L'AMF est offerte à tous et volontaire pour les parents. Les administrateurs peuvent l'imposer au personnel.

## 1. Installer une application d'authentification

Sur votre téléphone, installez **Microsoft Authenticator** ou **Google Authenticator** depuis l'App Store (iPhone) ou le Google Play Store (Android). Choisissez le téléphone que vous avez toujours avec vous. D'autres applications existent : votre technicien peut vous conseiller.

## 2. Activer l'AMF

Ouvrez le menu (icône en haut à gauche), cliquez sur votre nom en bas du menu pour ouvrir **Mon compte**, puis faites glisser l'interrupteur **Connexion multi-facteurs (AMF)**. Confirmez, déconnectez-vous, puis reconnectez-vous.

## 3. Ajouter votre compte dans l'application

À la connexion suivante, un code QR s'affiche à l'écran de l'ordinateur.

- Dans Microsoft Authenticator : touchez **+** en haut à droite, puis **Autre** (Other).
- Dans Google Authenticator : touchez **+**, puis **Scanner un code QR**.
- Visez le code QR avec l'appareil photo du téléphone.
- Si le code ne se scanne pas, choisissez l'entrée manuelle et tapez la clé affichée sous le code (les espaces ne comptent pas).

Entrez ensuite le code à 6 chiffres affiché par l'application pour terminer.

## 4. Téléphone perdu ou changé

Vous changez de téléphone et avez encore l'ancien ? Dans **Mon compte**, choisissez **Changer de téléphone** : votre mot de passe et un code de l'ancien téléphone, puis scannez le nouveau code QR avec le nouveau. Votre AMF reste active pendant le changement.

Vous ne pouvez pas désactiver l'AMF vous-même. Demandez à un administrateur de votre service de garde de **réinitialiser votre AMF** : il vous remet en personne un **code de réactivation** (valide 7 jours, une seule fois). Au prochain accès, après votre mot de passe, entrez ce code : un nouveau code QR s'affichera. Les administrateurs ont en plus leurs codes de récupération : à l'écran du code, cliquez sur **J'ai perdu mon téléphone** et entrez-en un ; un nouveau code QR s'affiche aussitôt. Sans code, ils demandent à un autre administrateur : personne ne peut réinitialiser sa propre AMF.

## Le code est refusé ?

Vérifiez que l'heure de votre téléphone est réglée automatiquement : un téléphone qui n'est pas à l'heure donne de mauvais codes. Chaque code ne sert qu'une fois : si on vous le dit, attendez le code suivant.`)
}

func newHelpContent() *wrapText { return newWrapMarkdown(helpText()) }

// newHelpPage is the "Aide" section of the menu.
func newHelpPage(*UI) fyne.CanvasObject {
	return newPageScroll(container.NewPadded(newHelpContent()), false)
}

// showHelpDialog opens the help over the QR dialog ("Besoin d'aide ?").
func showHelpDialog(u *UI) {
	closeButton := newButton(lang.X("help.close", "Fermer"), nil, nil)
	d := u.newDialog(lang.X("menu.help", "Aide"), container.NewVScroll(newHelpContent()), nil, closeButton)
	closeButton.OnTapped = d.Hide
	size := u.win.Canvas().Size()
	d.Resize(fyne.NewSize(min(760, size.Width-40), min(560, size.Height-40)))
	d.Show()
	u.win.Canvas().Focus(closeButton)
	u.help = d
}
