package data

import "testing"

func TestUNCPathsAndNetworkFileSystemsAreRecognized(t *testing.T) {
	for p, want := range map[string]bool{
		`\\serveur\partage\a.db`: true, `//serveur/partage/a.db`: true, `\\?\UNC\serveur\p\a.db`: true,
		`\\?\C:\Users\a.db`: false, `\\.\C:\a.db`: false, `C:\Users\a.db`: false, `/home/a/a.db`: false, `\\`: false,
	} {
		if got := isUNC(p); got != want {
			t.Errorf("isUNC(%q) = %v, want %v", p, got, want)
		}
	}
}
