package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// ServerWait is shown at start-up while the daycare's PostgreSQL server
// does not answer: what is wrong in plain words, « Réessayer maintenant »,
// and a new try by itself every few seconds (cmd/ does the trying). Nothing
// can be done until the server answers, and nothing is written meanwhile.
type ServerWait struct {
	content fyne.CanvasObject
	message *widget.Label
	status  *widget.Label
	retry   *button
}

// NewServerWait shows err; retry is called (on the UI goroutine) when the
// person asks for a new try.
func NewServerWait(err error, retry func()) *ServerWait {
	w := &ServerWait{}
	heading := lang.X("wait.title", "Le serveur de données ne répond pas")
	if apetitspas.ErrorReason(err) == apetitspas.ReasonServiceUnavailable {
		// The window waits for the computer's own service, not a server.
		heading = lang.X("wait.service_title", "Le service À petits pas de cet ordinateur ne répond pas")
	}
	title := widget.NewLabelWithStyle(heading, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.message = widget.NewLabel(ErrorText(err))
	w.message.Wrapping = fyne.TextWrapWord
	w.status = widget.NewLabel("")
	w.status.Wrapping = fyne.TextWrapWord
	w.retry = newButton(lang.X("wait.retry", "Réessayer maintenant"), theme.ViewRefreshIcon(), retry)
	w.retry.Importance = widget.HighImportance
	w.waiting()
	body := container.NewVBox(
		container.NewHBox(widget.NewIcon(theme.WarningIcon()), title),
		w.message, w.status, container.NewHBox(w.retry))
	w.content = newPageScroll(container.New(&readableWidth{max: textWidth}, container.NewPadded(body)), false)
	return w
}

// Content is what the window shows.
func (w *ServerWait) Content() fyne.CanvasObject { return w.content }

// Trying says a try is under way (the button waits for it).
func (w *ServerWait) Trying() {
	w.status.SetText(lang.X("wait.trying", "Connexion au serveur…"))
	w.retry.Disable()
}

// waiting says the next try comes by itself.
func (w *ServerWait) waiting() {
	w.status.SetText(lang.X("wait.next", "À petits pas réessaie tout seul toutes les 5 secondes ; vous pouvez aussi cliquer sur « Réessayer maintenant »."))
	w.retry.Enable()
}

// Failed shows the error of the last try.
func (w *ServerWait) Failed(err error) {
	w.message.SetText(ErrorText(err))
	w.waiting()
}
