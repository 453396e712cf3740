package main

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/screens"
)

// waitForServer shows that the daycare's PostgreSQL server does not answer
// and tries again every 5 seconds, or when the person asks; once the
// server answers, the app starts as usual (start) and its checks run. The
// returned function closes whatever was opened.
func waitForServer(w fyne.Window, place data.Place, demo bool, movedBy string, first error) func() {
	var (
		mu      sync.Mutex
		closeDB func()
		stopped bool
	)
	stop := make(chan struct{})
	now := make(chan struct{}, 1)
	sw := screens.NewServerWait(first, func() {
		select {
		case now <- struct{}{}:
		default:
		}
	})
	w.SetContent(sw.Content())
	go func() {
		for {
			select {
			case <-now:
			case <-time.After(5 * time.Second):
			case <-stop:
				return
			}
			fyne.Do(sw.Trying)
			// Off the UI goroutine: a silent server takes seconds to fail.
			db, err := data.Open(place.DB)
			if err != nil {
				fyne.Do(func() { sw.Failed(err) })
				continue
			}
			db.Close()
			fyne.Do(func() {
				mu.Lock()
				defer mu.Unlock()
				if stopped {
					return
				}
				if c, ok := start(w, place, demo, movedBy); ok {
					closeDB = c
					go checks()
				}
			})
			return
		}
	}()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		if !stopped {
			stopped = true
			close(stop)
		}
		if closeDB != nil {
			closeDB()
		}
	}
}
