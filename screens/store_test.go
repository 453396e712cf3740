package screens

import (
	"context"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// gatedStore holds every read until gate is closed, to look at a screen
// while its work is in progress.
type gatedStore struct {
	apetitspas.Store
	gate chan struct{}
}

func (g *gatedStore) View(ctx context.Context, fn func(apetitspas.Tx) error) error {
	<-g.gate
	return g.Store.View(ctx, fn)
}
