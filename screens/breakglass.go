package screens

import (
	"context"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// breakGlassBanner shows administrators, above the main window, the
// emergency resets made with the technician's tool until one of them (not
// the person concerned) acknowledges them.
type breakGlassBanner struct {
	u       *UI
	content *fyne.Container

	// text lists the resets: when (local time), whose AMF, the computer's
	// account that did it and the reason written.
	text *widget.Label
	// summary is the banner's one line; details opens text in a dialog
	// (detailsDialog while it is open).
	summary       *widget.Label
	details       *button
	detailsDialog *dialog.CustomDialog
	ack           *button
	// status says why an acknowledgement was refused.
	status *widget.Label
}

func newBreakGlassBanner(u *UI, notes []apetitspas.BreakGlassNote) *breakGlassBanner {
	b := &breakGlassBanner{u: u}
	b.text = widget.NewLabel("")
	b.text.Wrapping = fyne.TextWrapWord
	b.text.Importance = widget.WarningImportance
	b.status = widget.NewLabel("")
	b.status.Wrapping = fyne.TextWrapWord
	b.status.Importance = widget.DangerImportance
	b.status.Hide()
	b.summary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b.summary.Truncation = fyne.TextTruncateEllipsis
	b.summary.Importance = widget.WarningImportance
	b.ack = newButton(lang.X("banner.acknowledge", "J'ai pris connaissance"), nil, b.acknowledge)
	b.details = newButton(lang.X("banner.details", "Détails"), theme.InfoIcon(), func() {
		b.detailsDialog = showBannerDetails(u, lang.X("banner.break_glass_title", "Réinitialisation d'urgence"), b.text.Text)
	})
	b.content = bannerBox(theme.ColorNameWarning, widget.NewIcon(theme.WarningIcon()),
		container.NewVBox(b.summary, b.status), container.NewHBox(b.details, b.ack))
	b.show(notes)
	return b
}

// show lists notes (the banner hides when there are none left).
func (b *breakGlassBanner) show(notes []apetitspas.BreakGlassNote) {
	defer b.u.relayoutBanners()
	if len(notes) == 0 {
		b.content.Hide()
		return
	}
	lines := make([]string, 0, len(notes))
	for _, n := range notes {
		when := ""
		if !n.At.IsZero() {
			when = formatDateTime(n.At)
		}
		osUser := n.OSUser
		if osUser == "" {
			osUser = lang.X("banner.os_user_unknown", "inconnu")
		}
		lines = append(lines, lang.X("banner.break_glass_note", "• {{.When}} — AMF de {{.Person}} réinitialisée par le compte «\u00a0{{.OSUser}}\u00a0» de l'ordinateur. Raison donnée : «\u00a0{{.Reason}}\u00a0»",
			map[string]any{"When": when, "Person": n.Target, "OSUser": osUser, "Reason": n.Reason}))
	}
	b.text.SetText(lang.X("banner.break_glass", "Attention : une réinitialisation d'urgence de la connexion multi-facteurs a été faite sans administrateur (outil du technicien) :\n{{.Lines}}\nVérifiez qu'elle était légitime.",
		map[string]any{"Lines": strings.Join(lines, "\n")}))
	b.summary.SetText(lang.X("banner.break_glass_summary", "Réinitialisation d'urgence de l'AMF faite sans administrateur ({{.Count}}) : vérifiez qu'elle était légitime.",
		map[string]any{"Count": len(notes)}))
	b.content.Show()
}

// acknowledge removes the resets that concern other people; one about the
// administrator herself stays for another administrator, and the refusal
// is said.
func (b *breakGlassBanner) acknowledge() {
	u := b.u
	u.idle.touch()
	ctx := context.Background()
	if err := u.api.AcknowledgeBreakGlass(ctx, u.handle); err != nil {
		b.status.SetText(ErrorText(err))
		b.status.Show()
		u.relayoutBanners()
		return
	}
	b.status.Hide()
	notes, err := u.api.BreakGlassNotes(ctx, u.handle)
	if err != nil {
		b.status.SetText(ErrorText(err))
		b.status.Show()
		return
	}
	b.show(notes)
}

// visible reports whether the banner is shown.
func (b *breakGlassBanner) visible() bool { return b.content.Visible() }

// bannerBox lays out a banner: a tinted band with an icon on the left, the
// text, and the buttons on the right, then a separator.
func bannerBox(tint fyne.ThemeColorName, icon fyne.CanvasObject, body, buttons fyne.CanvasObject) *fyne.Container {
	bg := canvas.NewRectangle(withAlpha(theme.Color(tint), 0x33))
	row := container.NewBorder(nil, nil, container.NewVBox(icon), buttons, body)
	return container.NewVBox(container.NewStack(bg, container.NewPadded(row)), widget.NewSeparator())
}

// withAlpha returns c with opacity a.
func withAlpha(c color.Color, a uint8) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}
