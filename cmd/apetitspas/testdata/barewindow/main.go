// Command barewindow is the yardstick of the start-up measurement
// (.ci/startup.sh): the smallest Fyne window, one label.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("ca.apetitspas.barewindow")
	w := a.NewWindow("bare window")
	w.SetContent(widget.NewLabel("Bonjour"))
	w.Resize(fyne.NewSize(1000, 700))
	w.ShowAndRun()
}
