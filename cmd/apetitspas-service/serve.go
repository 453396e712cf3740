package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
	"github.com/apetitspas/apetitspas/cmd/internal/rpc"
)

// serve answers the clients on listen until ctx ends, then lets the calls
// in progress finish (10 seconds at most: a backup being written).
func serve(ctx context.Context, api apetitspas.API, listen string, log io.Writer) error {
	ln, err := rpc.Listen(listen)
	if err != nil {
		return err
	}
	srv := rpc.NewServer(api, assets.Version)
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-ctx.Done()
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(stop); err != nil {
			fmt.Fprintln(log, "apetitspas-service: stop:", err)
		}
	}()
	fmt.Fprintf(log, "apetitspas-service %s: listening on %s\n", assets.Version, listen)
	err = srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		<-done
		return nil
	}
	return err
}
