package data

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apetitspas/apetitspas/app"
)

// Witness keeps app.WitnessRecord in a file of the computer user's
// configuration folder (witness.json, owner-only), updated under an
// exclusive lock of a file beside it, so that processes of this user see
// one record and count one counter.
type Witness struct{ dir string }

var _ app.Witness = (*Witness)(nil)

// NewWitness keeps the record in dir (made when missing, 0700).
func NewWitness(dir string) *Witness { return &Witness{dir: dir} }

// DefaultWitness is the witness of this computer user: apetitspas/witness
// in the configuration folder (not the key folder: making the key missing
// by pointing APETITSPAS_KEY_DIR elsewhere leaves it where it is).
func DefaultWitness() (*Witness, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return nil, err
	}
	return NewWitness(filepath.Join(dir, "apetitspas", "witness")), nil
}

// OwnWitness is DefaultWitness for the programs: nil (no witness) when
// there is no configuration folder.
func OwnWitness() app.Witness {
	w, err := DefaultWitness()
	if err != nil {
		return nil
	}
	return w
}

// Dir is the witness's folder.
func (w *Witness) Dir() string { return w.dir }

// Update runs fn on the record under the lock and saves it when fn
// returns nil. A record that cannot be read is an error (never a fresh
// start: that would reset the counters).
func (w *Witness) Update(fn func(*app.WitnessRecord) error) error {
	if err := os.MkdirAll(w.dir, 0o700); err != nil {
		return fmt.Errorf("data: witness folder: %w", err)
	}
	unlock, err := lockFile(filepath.Join(w.dir, "witness.lock"))
	if err != nil {
		return fmt.Errorf("data: witness lock: %w", err)
	}
	defer unlock()
	path := filepath.Join(w.dir, "witness.json")
	var rec app.WitnessRecord
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fmt.Errorf("data: witness: %w", err)
	default:
		if err := json.Unmarshal(b, &rec); err != nil {
			return fmt.Errorf("data: witness %s: %w", path, err)
		}
	}
	if err := fn(&rec); err != nil {
		return err
	}
	out, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, out, 0o600); err != nil {
		return fmt.Errorf("data: witness: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("data: witness: %w", err)
	}
	return nil
}
