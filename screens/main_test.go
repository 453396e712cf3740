package screens

import (
	"os"
	"testing"

	"github.com/apetitspas/apetitspas/data/datatest"
)

// TestMain makes this package's backups cheap to encrypt
// (datatest.CheapPassphrases): scrypt at age's own factor takes about ten
// seconds per backup under the race detector.
func TestMain(m *testing.M) {
	datatest.CheapPassphrases()
	os.Exit(m.Run())
}
