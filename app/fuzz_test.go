package app_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apetitspas/apetitspas/app"
)

// Fuzz targets (run each for a minute with go test -fuzz, see README):
// whatever a person types or a file holds, the parsers answer with a
// value or an *app.Error, never a panic.

func FuzzParseImport(f *testing.F) {
	for _, seed := range []string{
		"role,email,name\nparent,a@cpe.ca,Anne\n",
		"\ufeffrole,email,name\r\nadmin,b@cpe.ca,\"Côté, Bruno\"\r\n",
		"ro\"le,email,name\nparent,a@cpe.ca,A\n",
		"parent,a@cpe.ca\n",
		"\n\n,,\n\"",
		"parent,a@cpe.ca,A\nparent,A@CPE.CA,B\n",
		"employee,e\u0301@x.ca,\x1b[31m\n",
		// Excel in French: Windows-1252, semicolons, French headers.
		"R\xf4le;Courriel;Nom\r\nEmploy\xe9\xb7e;m@cpe.ca;Marc-Andr\xe9 Roy\r\n;;\r\n",
		"\ufeffrôle;courriel;nom\r\nadministrateur·trice;a@cpe.ca;\"Côté; Anne\"\r\n",
		"nom;rôle;courriel;;\nA;parent;a@cpe.ca;;\n",
		"rôle;nom\n", "rôle;courriel;e-mail\n", "\"rôle;courriel\";nom\n",
		"\xff\xfer\x00\xf4\x00", "parent;a@cpe.ca;A\x81\n", "\xef\xbb\xbf\xe9",
	} {
		f.Add([]byte(seed))
	}
	languages := map[string]bool{app.HeadersFrench: true, app.HeadersEnglish: true, app.HeadersMixed: true, app.HeadersNone: true, "": true}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := app.ParseImport(bytes.NewReader(b))
		if err == nil && n == 0 {
			t.Fatal("no error and no account")
		}
		if err != nil {
			if _, ok := err.(*app.Error); !ok {
				t.Fatalf("not an *app.Error: %T %v", err, err)
			}
		}
		check, err := app.ParseImportCheck(bytes.NewReader(b))
		if err != nil {
			return
		}
		if (check.Separator != ";" && check.Separator != ",") || !languages[check.HeaderLanguage] ||
			(check.Encoding != app.EncodingUTF8 && check.Encoding != app.EncodingUTF8BOM && check.Encoding != app.EncodingWindows1252) {
			t.Fatalf("read as %q %q %q", check.Separator, check.Encoding, check.HeaderLanguage)
		}
		for _, r := range check.Rows {
			if !r.Role.Valid() || r.Line < 1 || app.NormalizeEmail(r.Email) != r.Email || !utf8.ValidString(r.Name) {
				t.Fatalf("row %+v", r)
			}
			if name, err := app.ValidateName(r.Name); err != nil || name != r.Name {
				t.Fatalf("name %q: %v", r.Name, err)
			}
		}
		for _, p := range check.Problems {
			if p.Line < 0 || p.Reason == "" {
				t.Fatalf("problem %+v", p)
			}
		}
	})
}

func FuzzParseCode(f *testing.F) {
	for _, seed := range []string{"123456", "123 456", " 123-456 ", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "123\u00a0456", strings.Repeat("1", 100)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := app.ParseCode(s)
		if err != nil {
			if app.ErrorReason(err) != app.ReasonCodeFormat {
				t.Fatalf("reason %q", app.ErrorReason(err))
			}
			return
		}
		if len(code) != app.CodeDigits || strings.Trim(code, "0123456789") != "" {
			t.Fatalf("ParseCode(%q) = %q", s, code)
		}
	})
}

func FuzzValidateEmailAndName(f *testing.F) {
	for _, seed := range []string{"marie@cpe.ca", " Élodie@Lucioles.CA ", "e\u0301lodie@cpe.ca", "Nom <a@b.ca>", "a@b", "\u202ea@b.ca", "a\x1b@b.ca", "\xff@b.ca",
		"Marie-Ève D'Amour", "Julie\x1b[31m", "\u202eeiluJ", "  ", strings.Repeat("é", 120)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if e, err := app.ValidateEmail(s); err == nil {
			if app.NormalizeEmail(e) != e || !utf8.ValidString(e) || len(e) > app.MaxEmailLen || strings.ContainsAny(e, " \t\r\n\x1b\u202e") {
				t.Fatalf("ValidateEmail(%q) accepted %q", s, e)
			}
			again, err := app.ValidateEmail(e)
			if err != nil || again != e {
				t.Fatalf("not stable: %q -> %q (%v)", e, again, err)
			}
		} else if app.ErrorReason(err) != app.ReasonEmailInvalid {
			t.Fatalf("reason %q", app.ErrorReason(err))
		}
		if n, err := app.ValidateName(s); err == nil {
			if !utf8.ValidString(n) || utf8.RuneCountInString(n) > app.MaxNameLen || n == "" || strings.TrimSpace(n) != n ||
				strings.ContainsAny(n, "\x00\x1b\u202e\u200d\t\n") {
				t.Fatalf("ValidateName(%q) accepted %q", s, n)
			}
		} else if r := app.ErrorReason(err); r != app.ReasonNameInvalid && r != app.ReasonNameTooLong && r != app.ReasonNameRequired {
			t.Fatalf("reason %q", r)
		}
	})
}

// FuzzParseRecoveryCode: any input is refused with ReasonRecoveryFormat or
// gives 16 characters of Crockford's base32; never a panic.
func FuzzParseRecoveryCode(f *testing.F) {
	for _, s := range []string{"7KQ2-M9XD-4HTR-B6WP", "7kq2 m9xd 4htr b6wp", "", "OOOO-IIII-LLLL-0000", "ÀAAA-AAAA-AAAA-AAAA", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := app.ParseRecoveryCode(s)
		if err != nil {
			if app.ErrorReason(err) != app.ReasonRecoveryFormat {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if len(code) != 16 || strings.Trim(code, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") != "" {
			t.Fatalf("%q gave %q", s, code)
		}
	})
}

// FuzzDecodeStateRoot: a state root's body, whatever bytes (only a root
// whose MAC matches is ever decoded, but the decoder must not trust even
// that); what it reads writes back the same.
func FuzzDecodeStateRoot(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{5, 3, 'a', ':', 'b', 1, 'x', 2, 2, 4, 1, 2, 3, 4, 5, 6, 7, 8, 2, 6, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Add(bytes.Repeat([]byte{0xff}, 40))
	f.Fuzz(func(t *testing.T, body []byte) {
		out, ok := app.DecodeRootForTest(body)
		if !ok {
			return
		}
		again, ok := app.DecodeRootForTest(out)
		if !ok || !bytes.Equal(out, again) {
			t.Fatalf("%x read and written gives %x, then %x", body, out, again)
		}
	})
}

// FuzzRecoverySet: an account's stored recovery codes are whatever the
// file holds (a changed row is refused by its MAC, but it is read first).
func FuzzRecoverySet(f *testing.F) {
	f.Add([]byte{}, "7KQ2-M9XD-4HTR-B6WP")
	f.Add(append([]byte("RC2\x00"), make([]byte, 400)...), "0000-0000-0000-0000")
	f.Add(make([]byte, 100), "AAAA-AAAA-AAAA-AAAA")
	f.Fuzz(func(t *testing.T, b []byte, code string) {
		if n := app.RecoverySetForTest(b, code); n < 0 || n > len(b) {
			t.Fatalf("%d codes left in %d bytes", n, len(b))
		}
	})
}

// FuzzCheckPassword: whatever is typed, pasted or named, the password
// rule answers nil or one of its four refusals, never a panic; what it
// accepts has the length it requires; folding twice changes nothing.
func FuzzCheckPassword(f *testing.F) {
	for _, seed := range []struct {
		password, daycare, name, email string
		mfa                            bool
	}{
		{"LesLucioles2026!", "CPE Les Lucioles", "Élodie D'Amour", "direction@lucioles.ca", false},
		{"motdepasse123", "CPE Les Lucioles", "", "", true},
		{"cheval orange lune", "", "Marie-Ève Tremblay", "marie.tremblay@cpe-lucioles.qc.ca", false},
		{"Ｍｏｔｄｅｐａｓｓｅ\u0301\u200d", "\xff\xfe", "a@b@c", "@", true},
		{strings.Repeat("é", 200), strings.Repeat("lucioles ", 12), "x", "x@y", false},
	} {
		f.Add(seed.password, seed.daycare, seed.name, seed.email, seed.mfa)
	}
	reasons := []string{app.ReasonPasswordTooShort, app.ReasonPasswordTooLong, app.ReasonPasswordCommon, app.ReasonPasswordContext}
	f.Fuzz(func(t *testing.T, password, daycare, name, email string, mfa bool) {
		if folded := app.FoldPassword(password); app.FoldPassword(folded) != folded {
			t.Fatalf("FoldPassword(%q) = %q, folds again to %q", password, folded, app.FoldPassword(folded))
		}
		err := app.CheckPassword(password, app.PasswordContext{MFA: mfa, Daycare: daycare, Name: name, Email: email})
		if err == nil {
			if n := utf8.RuneCountInString(password); n < app.MinPasswordLenMFA || !mfa && n < app.MinPasswordLen || len(password) > app.MaxPasswordLen {
				t.Fatalf("%q accepted (%d characters, %d bytes, mfa %v)", password, n, len(password), mfa)
			}
			return
		}
		e, ok := err.(*app.Error)
		if !ok || e.Code != app.EINVALID || !slices.Contains(reasons, e.Reason) {
			t.Fatalf("%q: %T %v", password, err, err)
		}
		if e.Reason == app.ReasonPasswordContext && e.Word == "" {
			t.Fatalf("%q: a context refusal without its word", password)
		}
	})
}

// FuzzParseReactivationCode: a typed reactivation code, whatever the
// bytes: 10 Crockford characters, or refused as such.
func FuzzParseReactivationCode(f *testing.F) {
	for _, s := range []string{"7KQ2M-9XD4H", "7kq2m 9xd4h", "", "OOOOO-IIIII", "ÀAAAA-AAAAA", "\xff\xfe", "7-K-Q-2-M-9-X-D-4-H"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := app.ParseReactivationCode(s)
		if err != nil {
			if app.ErrorReason(err) != app.ReasonReactivationFormat {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if len(code) != 10 || strings.Trim(code, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") != "" {
			t.Fatalf("%q gave %q", s, code)
		}
		if again, err := app.ParseReactivationCode(app.GroupReactivationCode(code)); err != nil || again != code {
			t.Fatalf("%q: grouped %q reads back as %q %v", s, app.GroupReactivationCode(code), again, err)
		}
	})
}
