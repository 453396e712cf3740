package screens

import (
	"fyne.io/fyne/v2/dialog"
)

// refreshDialog fits a dialog to its content after a line appeared or
// disappeared. Twice: a wrapped line knows its height only once it has
// been given its width.
func refreshDialog(d *dialog.CustomDialog) {
	d.Refresh()
	d.Refresh()
}

// relaidStatus is a status line that lays its page or dialog out again
// when it appears or disappears.
type relaidStatus struct {
	*status
	relayout func()
}

func newRelaidStatus(relayout func()) *relaidStatus {
	return &relaidStatus{status: newStatus(), relayout: relayout}
}

func (s *relaidStatus) busy()          { s.status.busy(); s.relayout() }
func (s *relaidStatus) idle()          { s.status.idle(); s.relayout() }
func (s *relaidStatus) error(t string) { s.status.error(t); s.relayout() }
func (s *relaidStatus) info(t string)  { s.status.info(t); s.relayout() }
