package data

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

func TestTheEmbeddedMigrationsEndAtSchemaVersion(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[len(ms)-1].version != SchemaVersion {
		t.Errorf("last migration of %d is not number %d", len(ms), SchemaVersion)
	}
}

func TestMisnumberedMigrationsAreRejected(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	cases := []struct {
		name  string
		files fstest.MapFS
		err   string
	}{
		{"a gap", fstest.MapFS{"m/0001_a.sql": file(""), "m/0003_c.sql": file("")}, "expected number 2"},
		{"a duplicate", fstest.MapFS{"m/0001_a.sql": file(""), "m/1_b.sql": file("")}, "expected number 2"},
		{"no number", fstest.MapFS{"m/init.sql": file("")}, "NNNN_description"},
		{"number zero", fstest.MapFS{"m/0000_a.sql": file("")}, "positive number"},
		{"more than SchemaVersion", func() fstest.MapFS {
			fs := fstest.MapFS{}
			for i := 1; i <= SchemaVersion+1; i++ {
				fs[fmt.Sprintf("m/%04d_x.sql", i)] = file("")
			}
			return fs
		}(), "SchemaVersion"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadMigrations(c.files, "m")
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("loadMigrations error = %v, want one saying %q", err, c.err)
			}
		})
	}
}

func TestLikeWildcardsAreEscaped(t *testing.T) {
	cases := map[string]string{
		"trem":    "trem",
		"100%":    `100\%`,
		"a_b":     `a\_b`,
		`c:\dir`:  `c:\\dir`,
		`%_\`:     `\%\_\\`,
		"éléonor": "éléonor",
	}
	for in, want := range cases {
		if got := escapeLike(in); got != want {
			t.Errorf("escapeLike(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFoldIgnoresCaseAndAccents(t *testing.T) {
	cases := map[string]string{
		"Élodie D'Amour":    "elodie d'amour",
		"ÇA VA":             "ca va",
		"Œuvre Æsir Straße": "oeuvre aesir strasse",
		"Nguyễn Thị":        "nguyen thi",
		"e\u0301":           "e", // decomposed é
		"Bjørn Łukasz":      "bjorn lukasz",
		"100% _x_":          "100% _x_",
	}
	for in, want := range cases {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}
