package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

const passphrase = "trois petits chats gris"

// backedUp is a daycare and a backup of it.
func backedUp(t *testing.T) (db, file, secretA string) {
	t.Helper()
	db, _, secretA = daycare(t)
	file = filepath.Join(t.TempDir(), "garderie.apetitspas")
	out := must(t, db, creds(codeFor(t, secretA), passphrase), "backup", "--out", file, "--by", "a@cpe.ca")
	if !strings.Contains(out, "Sauvegarde écrite") {
		t.Fatalf("backup: %q", out)
	}
	return db, file, secretA
}

// elsewhere is a new computer: an empty key folder, a path with no database.
func elsewhere(t *testing.T) (target, keyDir string) {
	t.Helper()
	keyDir = filepath.Join(t.TempDir(), "other-keys")
	t.Setenv("APETITSPAS_KEY_DIR", keyDir)
	return filepath.Join(t.TempDir(), "nouveau", "apetitspas.db"), keyDir
}

func TestABackupIsAnAgeFileWithoutAnythingReadableInIt(t *testing.T) {
	db, file, _ := backedUp(t)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("age-encryption.org/v1\n")) || !bytes.Contains(b[:200], []byte("-> scrypt ")) {
		t.Fatalf("not an age passphrase file: %q", b[:60])
	}
	for _, plain := range []string{"SQLite format", "a@cpe.ca", "manifest.json", "CPE Test"} {
		if bytes.Contains(b, []byte(plain)) {
			t.Fatalf("the backup shows %q in clear", plain)
		}
	}
	if !auditHas(t, db, "backup.created", "") {
		t.Fatal("backup.created not journaled")
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm()&0o077 != 0 {
		t.Fatalf("backup mode %v", fi.Mode())
	}
}

func TestARestoreOnANewComputerSignsEveryoneInWithTheirCodes(t *testing.T) {
	_, file, secretA := backedUp(t)
	target, keyDir := elsewhere(t)
	out := must(t, target, passphrase+"\n", "restore", "--from", file)
	if !strings.Contains(out, "restaurée dans") {
		t.Fatalf("restore: %q", out)
	}
	keys, _ := os.ReadDir(keyDir)
	if len(keys) != 1 {
		t.Fatalf("key folder after restore: %v", keys)
	}
	svc := service(t, target)
	ctx := context.Background()
	sess, err := svc.Login(ctx, "a@cpe.ca", pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.VerifyCode(ctx, sess, codeFor(t, secretA)); err != nil {
		t.Fatalf("the code of the enrolled administrator after restore: %v", err)
	}
	if !auditHas(t, target, "backup.restored", "") {
		t.Fatal("backup.restored not in the restored journal")
	}
	if code, _, _ := verify(t, target); code != 0 {
		t.Fatalf("audit verify after restore: %d", code)
	}
	// The same backup again on the same computer: the key is there, the
	// database too: refused, nothing changed.
	before, _ := os.ReadFile(target)
	code, _, errs := runCLI(t, target, passphrase+"\n", "restore", "--from", file)
	if after, _ := os.ReadFile(target); code != 1 || !strings.Contains(errs, "contient déjà une garderie") || !bytes.Equal(before, after) {
		t.Fatalf("restore over a daycare: %d %q", code, errs)
	}
}

func TestARestoreRefusesAndWritesNothing(t *testing.T) {
	db, file, _ := backedUp(t)
	flipped := filepath.Join(t.TempDir(), "abime.apetitspas")
	b, _ := os.ReadFile(file)
	b[len(b)-100] ^= 1
	os.WriteFile(flipped, b, 0o600)
	for _, c := range []struct {
		name, from, stdin, want string
	}{
		{"a wrong passphrase", file, "pas la bonne phrase\n", "n'ouvre pas la sauvegarde"},
		{"no passphrase", file, "", "Il manque la phrase de passe"},
		{"a changed byte", flipped, passphrase + "\n", "abîmé ou modifié"},
		{"not a backup", db, passphrase + "\n", "abîmé ou modifié"},
		{"no such file", filepath.Join(t.TempDir(), "absent"), passphrase + "\n", "abîmé ou modifié"},
	} {
		t.Run(c.name, func(t *testing.T) {
			target, keyDir := elsewhere(t)
			code, _, errs := runCLI(t, target, c.stdin, "restore", "--from", c.from)
			if code != 1 || !strings.Contains(errs, c.want) {
				t.Fatalf("exit %d, %q", code, errs)
			}
			if _, err := os.Stat(target); err == nil {
				t.Fatal("a database was written")
			}
			if keys, _ := os.ReadDir(keyDir); len(keys) != 0 {
				t.Fatal("a key was written")
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(target), ".apetitspas-restore-*")); len(left) != 0 {
				t.Fatalf("left behind: %v", left)
			}
		})
	}
}

func TestABackupFromANewerVersionIsRefused(t *testing.T) {
	_, file, _ := backedUp(t)
	// The same backup, written again as a newer version would (a schema
	// above ours).
	dir := t.TempDir()
	m, key, err := apetitspas.ReadBackupFile(file, passphrase, dir, data.SchemaVersion)
	if err != nil {
		t.Fatal(err)
	}
	m.SchemaVersion, m.AppVersion = data.SchemaVersion+1, "9.0.0"
	future := filepath.Join(t.TempDir(), "futur.apetitspas")
	if _, err := apetitspas.WriteBackupFile(future, passphrase, filepath.Join(dir, apetitspas.BackupDBName), key, &m); err != nil {
		t.Fatal(err)
	}
	target, _ := elsewhere(t)
	code, _, errs := runCLI(t, target, passphrase+"\n", "restore", "--from", future)
	if code != 1 || !strings.Contains(errs, "version plus récente") {
		t.Fatalf("exit %d, %q", code, errs)
	}
	if _, err := os.Stat(target); err == nil {
		t.Fatal("a database was written")
	}
}

func TestMakingABackupIsAStrongAction(t *testing.T) {
	db, _, secretA := daycare(t)
	file := filepath.Join(t.TempDir(), "b.apetitspas")
	for _, c := range []struct{ name, stdin, by, want string }{
		{"an administrator without AMF", creds("", passphrase), "b@cpe.ca", "votre propre connexion multi-facteurs"},
		{"an employee", creds("", passphrase), "k@cpe.ca", ""},
		{"a wrong password", "mauvais\n" + codeFor(t, secretA) + "\n" + passphrase + "\n", "a@cpe.ca", "incorrect"},
		{"a short passphrase", creds(codeFor(t, secretA), "court"), "a@cpe.ca", "au moins 12 caractères"},
		{"no passphrase", creds(codeFor(t, secretA)), "a@cpe.ca", "Il manque la phrase de passe"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := runCLI(t, db, c.stdin, "backup", "--out", file, "--by", c.by)
			if code != 1 || !strings.Contains(errs, c.want) {
				t.Fatalf("exit %d, %q", code, errs)
			}
			if _, err := os.Stat(file); err == nil {
				t.Fatal("a backup was written")
			}
		})
	}
	// Never over an existing file.
	os.WriteFile(file, []byte("à moi"), 0o600)
	code, _, errs := runCLI(t, db, creds(codeFor(t, secretA), passphrase), "backup", "--out", file, "--by", "a@cpe.ca")
	if b, _ := os.ReadFile(file); code != 1 || string(b) != "à moi" || !strings.Contains(errs, "existe déjà") {
		t.Fatalf("over a file: %d %q", code, errs)
	}
}

func TestARestoreRefusesADifferentKeyWithTheSameName(t *testing.T) {
	_, file, _ := backedUp(t)
	target, keyDir := elsewhere(t)
	// Learn the key's name, then put another key under it.
	tmp := t.TempDir()
	_, key, err := apetitspas.ReadBackupFile(file, passphrase, tmp, data.SchemaVersion)
	if err != nil {
		t.Fatal(err)
	}
	other := bytes.Repeat([]byte{7}, 32)
	if err := data.NewKeyRing(keyDir, false).ImportKey(key.ID, other); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, target, passphrase+"\n", "restore", "--from", file)
	if code != 1 || !strings.Contains(errs, "même nom") {
		t.Fatalf("exit %d, %q", code, errs)
	}
	if _, err := os.Stat(target); err == nil {
		t.Fatal("a database was written")
	}
	if got, _ := data.NewKeyRing(keyDir, false).Key(key.ID); !bytes.Equal(got, other) {
		t.Fatal("the key on this computer was replaced")
	}
}

// The app was opened once on the new computer before the restore: its
// empty database is moved aside (never deleted) and the restore goes on.
func TestARestoreTakesThePlaceOfADatabaseWithNoDaycare(t *testing.T) {
	_, file, secretA := backedUp(t)
	target, _ := elsewhere(t)
	os.MkdirAll(filepath.Dir(target), 0o700)
	empty, err := data.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	empty.Close()
	must(t, target, passphrase+"\n", "restore", "--from", file)
	aside, _ := filepath.Glob(target + ".vide-*")
	if len(aside) == 0 {
		t.Fatal("the empty database was not kept aside")
	}
	svc := service(t, target)
	sess, err := svc.Login(context.Background(), "a@cpe.ca", pw)
	if err == nil {
		err = svc.VerifyCode(context.Background(), sess, codeFor(t, secretA))
	}
	if err != nil {
		t.Fatal(err)
	}
}
