package main

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
	"github.com/apetitspas/apetitspas/cmd/internal/rpc"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/screens"
)

// startWithService makes the window a client of the local service at addr:
// it never opens the data itself. While the service does not answer, the
// waiting screen says so and tries again every 5 seconds (or when the
// person asks); then the first screen shows as usual. The service does
// its own checks and scheduled backups. The returned function closes the
// client.
func startWithService(w fyne.Window, addr data.ServiceAddress) (func(), error) {
	cl, err := rpc.NewClient(addr.String())
	if err != nil {
		return nil, err
	}
	hello := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := cl.Hello(ctx, assets.Version)
		return err
	}
	show := func() {
		ui := screens.New(cl, w, cl.Setup)
		ui.OSAdmin = osAdmin()
		ui.EmailFile = screens.KeptEmailPath()
		ui.Start()
	}
	if err := hello(); err == nil {
		show()
		return cl.Close, nil
	} else if apetitspas.ErrorReason(err) != apetitspas.ReasonServiceUnavailable {
		cl.Close()
		return nil, err
	} else {
		now := make(chan struct{}, 1)
		sw := screens.NewServerWait(err, func() {
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
				}
				fyne.Do(sw.Trying)
				if err := hello(); err != nil {
					fyne.Do(func() { sw.Failed(err) })
					continue
				}
				fyne.Do(show)
				return
			}
		}()
	}
	return cl.Close, nil
}
