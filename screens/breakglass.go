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

// BreakGlassBanner shows administrators, above the main window, the
// emergency resets made with the technician's tool until one of them (not
// the person concerned) acknowledges them.
type BreakGlassBanner struct {
	u       *UI
	content *fyne.Container

	// Text lists the resets: when (local time), whose AMF, the computer's
	// account that did it and the reason written.
	Text *widget.Label
	// Summary is the banner's one line; Details opens Text in a dialog
	// (DetailsDialog while it is open).
	Summary       *widget.Label
	Details       *Button
	DetailsDialog *dialog.CustomDialog
	Ack           *Button
	// Status says why an acknowledgement was refused.
	Status *widget.Label
}

func newBreakGlassBanner(u *UI, notes []apetitspas.BreakGlassNote) *BreakGlassBanner {
	b := &BreakGlassBanner{u: u}
	b.Text = widget.NewLabel("")
	b.Text.Wrapping = fyne.TextWrapWord
	b.Text.Importance = widget.WarningImportance
	b.Status = widget.NewLabel("")
	b.Status.Wrapping = fyne.TextWrapWord
	b.Status.Importance = widget.DangerImportance
	b.Status.Hide()
	b.Summary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b.Summary.Truncation = fyne.TextTruncateEllipsis
	b.Summary.Importance = widget.WarningImportance
	b.Ack = newButton(lang.X("banner.acknowledge", "J'ai pris connaissance"), nil, b.acknowledge)
	b.Details = newButton(lang.X("banner.details", "Détails"), theme.InfoIcon(), func() {
		b.DetailsDialog = showBannerDetails(u, lang.X("banner.break_glass_title", "Réinitialisation d'urgence"), b.Text.Text)
	})
	b.content = bannerBox(theme.ColorNameWarning, widget.NewIcon(theme.WarningIcon()),
		container.NewVBox(b.Summary, b.Status), container.NewHBox(b.Details, b.Ack))
	b.show(notes)
	return b
}

// show lists notes (the banner hides when there are none left).
func (b *BreakGlassBanner) show(notes []apetitspas.BreakGlassNote) {
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
	b.Text.SetText(lang.X("banner.break_glass", "Attention : une réinitialisation d'urgence de la connexion multi-facteurs a été faite sans administrateur (outil du technicien) :\n{{.Lines}}\nVérifiez qu'elle était légitime.",
		map[string]any{"Lines": strings.Join(lines, "\n")}))
	b.Summary.SetText(lang.X("banner.break_glass_summary", "Réinitialisation d'urgence de l'AMF faite sans administrateur ({{.Count}}) : vérifiez qu'elle était légitime.",
		map[string]any{"Count": len(notes)}))
	b.content.Show()
}

// acknowledge removes the resets that concern other people; one about the
// administrator herself stays for another administrator, and the refusal
// is said.
func (b *BreakGlassBanner) acknowledge() {
	u := b.u
	u.idle.touch()
	ctx := context.Background()
	if err := u.api.AcknowledgeBreakGlass(ctx, u.handle); err != nil {
		b.Status.SetText(ErrorText(err))
		b.Status.Show()
		u.relayoutBanners()
		return
	}
	b.Status.Hide()
	notes, err := u.api.BreakGlassNotes(ctx, u.handle)
	if err != nil {
		b.Status.SetText(ErrorText(err))
		b.Status.Show()
		return
	}
	b.show(notes)
}

// Visible reports whether the banner is shown.
func (b *BreakGlassBanner) Visible() bool { return b.content.Visible() }

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
