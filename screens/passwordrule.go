package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// newPasswordRule is the password rule shown above a new password's
// field, before the person types: the fewest characters her account needs
// (app.PasswordMinimum, or app.MinPasswordLen at the first run) and a word
// on passphrases. The list and the context words are not announced: a
// refusal names them (ErrorText). The fields take paste and password
// managers like any entry.
func newPasswordRule(min int) *widget.Label {
	l := widget.NewLabel(passwordRuleText(min))
	l.Wrapping = fyne.TextWrapWord
	return l
}

// passwordRuleText is the rule's sentence for min characters.
func passwordRuleText(min int) string {
	return lang.X("password.rule", "Au moins {{.Min}} caractères ; une phrase de passe de plusieurs mots est plus facile à retenir.",
		map[string]any{"Min": min})
}
