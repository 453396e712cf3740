package rpc

import (
	"fmt"
	"sync"
	"testing"

	"github.com/apetitspas/apetitspas/data/datatest"
)

// One sign-in used from several goroutines at once, as a window does
// (a page's refresh while an action runs, an import's progress while
// another page loads): each answer updates the handle's view, and the
// race detector stays quiet on both sides.
func TestOneHandleFromManyGoroutines(t *testing.T) {
	for _, s := range []*side{localSide(t, datatest.Options{}), wireSide(t, datatest.Options{})} {
		t.Run(s.name, func(t *testing.T) {
			h := signedInAdmin(t, s)
			var wg sync.WaitGroup
			errs := make(chan error, 30)
			for i := 0; i < 10; i++ {
				wg.Add(3)
				go func() {
					defer wg.Done()
					if _, err := s.api.Overview(s.ctx, h); err != nil {
						errs <- err
					}
				}()
				go func() {
					defer wg.Done()
					csv := fmt.Sprintf("role,email,name\nparent,p%d@cpe.ca,Parent %d\n", i, i)
					if _, err := s.api.ImportCSV(s.ctx, h, []byte(csv), "", nil); err != nil {
						errs <- err
					}
				}()
				go func() {
					defer wg.Done()
					_ = h.User()
					_ = h.TakeRecoveryCodes()
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if got := h.User().Email; got != dirEmail {
				t.Errorf("the handle's account after the calls: %q", got)
			}
		})
	}
}
