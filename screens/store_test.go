package screens

import (
	"context"
	"testing"

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

// storeOf digs the store back out of the harness service.
func storeOf(t *testing.T, h *harness) apetitspas.Store {
	t.Helper()
	return h.store
}
