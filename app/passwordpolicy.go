package app

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/apetitspas/apetitspas/assets/passwords"
	"golang.org/x/text/unicode/norm"
)

// The password rule (NIST SP 800-63B-4 §3.1.1.2, OWASP ASVS 5.0 §6.2),
// applied wherever a person chooses a password: the first run, the
// password chosen after a temporary one, Mon compte, and an
// administrator typing one for a new account (the tool). Passwords the
// application makes (temporary ones: random, 14 characters out of 56) are
// not chosen and not checked. Sign-in never checks it again: a password
// accepted under an older rule keeps working.
//
//  1. Length, in characters: at least MinPasswordLen (15) for an account
//     that signs in with its password alone, MinPasswordLenMFA (8) when
//     its multi-factor sign-in is on or imposed (PasswordMinimum); at most
//     MaxPasswordLen bytes (256: 64 characters of any script fit).
//  2. No composition rule: spaces, accents, any character count; nothing
//     requires a digit or a capital. Paste and password managers work.
//  3. Not a common password: the password is folded (FoldPassword: lower
//     case, accents dropped, only letters and digits kept, so that
//     « Mot de passe! » reads "motdepasse"; a password that is one piece
//     repeated, « soleil soleil soleil », reads as the piece) and refused
//     when
//     - it is in the list (assets/passwords: over 100,000 common
//     passwords, names and English and French words), or
//     - with the digits at its start and end taken away, what remains has
//     fewer than 4 characters or is in the list ("azerty123456",
//     « Soleil2026! »).
//  4. Not built on its context: the daycare's name, the application's
//     name, « garderie », « CPE », « service de garde », the person's
//     name and e-mail address (local part and domain without its
//     top-level part), each whole and by words and runs of words of 4
//     letters or more (« CPE Les Lucioles »: "cpeleslucioles",
//     "leslucioles", "lucioles"…). Every occurrence of these words is taken out of the folded
//     password (longest first); if any was, and what remains, without
//     its digits at the start and end, has fewer than 4 characters or is
//     in the list, the password is refused and the refusal names the
//     longest word found (« LesLucioles2026! » for « CPE Les Lucioles »).
//
// Refusals come in this order: too long; too short for any account (under
// MinPasswordLenMFA); common or built on the context (4 before 3's
// second case, so that « Lucioles2026 » names the daycare); too short for
// this account. A common password is named as such even when it is short:
// making it longer would not help.
//
// A password that only contains a context word among other words
// (« les lucioles de mon quartier ») is accepted: the rule refuses what
// an attacker who knows the daycare would try first, not every mention.

// Limits of a chosen password.
const (
	// MinPasswordLen is the fewest characters of the password of an
	// account that signs in with its password alone.
	MinPasswordLen = 15
	// MinPasswordLenMFA is the fewest characters when the account's
	// multi-factor sign-in is on or imposed.
	MinPasswordLenMFA = 8
	// MaxPasswordLen bounds, in bytes, the work done hashing a pasted
	// novel (256: at least 64 characters of any script).
	MaxPasswordLen = 256
	// minPasswordCore is the fewest characters that must remain once
	// digits around it and context words are taken away.
	minPasswordCore = 4
)

// Kinds of words a password_context refusal names (Error.Word).
const (
	PasswordWordDaycare = "daycare" // the daycare's name
	PasswordWordApp     = "app"     // « À petits pas »
	PasswordWordService = "service" // « garderie », « CPE », « service de garde »
	PasswordWordName    = "name"    // the person's name
	PasswordWordEmail   = "email"   // the person's e-mail address
)

// PasswordContext is what a chosen password is checked against: whose it
// is and where.
type PasswordContext struct {
	// MFA: the account signs in with a second factor (on, or imposed):
	// the shorter minimum applies.
	MFA bool
	// Daycare is the daycare's name.
	Daycare string
	// Name and Email are the person's.
	Name, Email string
}

// PasswordMinimum is the fewest characters u's next password may have:
// MinPasswordLenMFA when its multi-factor sign-in is on or pending (asked
// by the person, set by an administrator's reset, or imposed by the staff
// policy, which makes every employee and administrator without it
// pending), MinPasswordLen when it signs in with its password alone.
func PasswordMinimum(u User) int {
	if u.MFA != MFAOff {
		return MinPasswordLenMFA
	}
	return MinPasswordLen
}

// passwordContextOf is the context of u's own password in daycare.
func passwordContextOf(u User, daycare string) PasswordContext {
	return PasswordContext{MFA: PasswordMinimum(u) == MinPasswordLenMFA, Daycare: daycare, Name: u.Name, Email: u.Email}
}

// CheckPassword applies the password rule (above) to a password a person
// chose. Each refusal is an EINVALID *Error whose reason names the rule:
// ReasonPasswordTooLong or ReasonPasswordTooShort (Limit: the bound),
// ReasonPasswordCommon, ReasonPasswordContext (Word: which context).
func CheckPassword(p string, c PasswordContext) error {
	if len(p) > MaxPasswordLen {
		return &Error{Code: EINVALID, Reason: ReasonPasswordTooLong, Limit: MaxPasswordLen}
	}
	min := MinPasswordLen
	if c.MFA {
		min = MinPasswordLenMFA
	}
	n := utf8.RuneCountInString(norm.NFC.String(p))
	if n < MinPasswordLenMFA {
		return &Error{Code: EINVALID, Reason: ReasonPasswordTooShort, Limit: min}
	}
	if err := checkGuessable(p, c); err != nil {
		return err
	}
	if n < min {
		return &Error{Code: EINVALID, Reason: ReasonPasswordTooShort, Limit: min}
	}
	return nil
}

// checkGuessable applies the list and the context (rules 3 and 4).
func checkGuessable(p string, c PasswordContext) error {
	list, err := passwords.List()
	if err != nil {
		return &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
	}
	common := func(s string) bool {
		_, found := slices.BinarySearch(list, s)
		return found
	}
	weak := func(s string) bool {
		s = strings.TrimFunc(s, isASCIIDigit)
		return utf8.RuneCountInString(s) < minPasswordCore || common(s)
	}
	folded := unrepeat(FoldPassword(p))
	if common(folded) {
		return &Error{Code: EINVALID, Reason: ReasonPasswordCommon}
	}
	if rest, kind := withoutContext(folded, contextWords(c)); kind != "" && weak(unrepeat(rest)) {
		return &Error{Code: EINVALID, Reason: ReasonPasswordContext, Word: kind}
	}
	if weak(folded) {
		return &Error{Code: EINVALID, Reason: ReasonPasswordCommon}
	}
	return nil
}

// unrepeat returns the piece s repeats, s itself when it is no
// repetition: "soleilsoleilsoleil" is "soleil", "aaaaaaaa" is "a".
func unrepeat(s string) string {
	for size := 1; size <= len(s)/2; size++ {
		if len(s)%size == 0 && strings.Repeat(s[:size], len(s)/size) == s {
			return s[:size]
		}
	}
	return s
}

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }

// FoldPassword is the form in which a password is compared with the list
// and the context words: compatibility decomposition (NFKD), accents and
// other combining marks dropped, œ æ ß ø spelled out, lower case, and only
// letters and digits kept (spaces, punctuation and symbols go). The list
// is folded the same way when it is generated.
func FoldPassword(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFKD.String(s) {
		r = unicode.ToLower(r)
		switch {
		case r == 'œ':
			b.WriteString("oe")
		case r == 'æ':
			b.WriteString("ae")
		case r == 'ß':
			b.WriteString("ss")
		case r == 'ø':
			b.WriteByte('o')
		case r == 'ł':
			b.WriteByte('l')
		case r == 'đ':
			b.WriteByte('d')
		case unicode.IsLetter(r), unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// contextWord is a folded word a password must not be built on, and
// where it comes from.
type contextWord struct{ word, kind string }

// fixedContext: the application's name and the words of the trade.
var fixedContext = []contextWord{
	{"apetitspas", PasswordWordApp}, {"petitspas", PasswordWordApp},
	{"servicedegarde", PasswordWordService}, {"garderie", PasswordWordService}, {"cpe", PasswordWordService},
}

// contextWords are c's words, folded, each once, longest first (the
// first source wins a tie: daycare, application, trade, name, e-mail).
func contextWords(c PasswordContext) []contextWord {
	var out []contextWord
	seen := map[string]bool{}
	add := func(w, kind string) {
		if utf8.RuneCountInString(w) >= minPasswordCore && !seen[w] {
			seen[w] = true
			out = append(out, contextWord{w, kind})
		}
	}
	// addAll adds s's words and every run of them: « CPE Les Lucioles »
	// gives "cpeleslucioles", "leslucioles", "lucioles", "cpeles"…
	addAll := func(s, kind string) {
		words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) })
		for i := range words {
			for j := i + 1; j <= len(words); j++ {
				add(FoldPassword(strings.Join(words[i:j], "")), kind)
			}
		}
	}
	addAll(c.Daycare, PasswordWordDaycare)
	for _, w := range fixedContext {
		if !seen[w.word] {
			seen[w.word] = true
			out = append(out, w)
		}
	}
	addAll(c.Name, PasswordWordName)
	if local, domain, ok := strings.Cut(NormalizeEmail(c.Email), "@"); ok {
		addAll(local, PasswordWordEmail)
		labels := strings.Split(domain, ".")
		for _, l := range labels[:len(labels)-1] { // not the top-level domain
			addAll(l, PasswordWordEmail)
		}
	}
	slices.SortStableFunc(out, func(a, b contextWord) int { return len(b.word) - len(a.word) })
	return out
}

// withoutContext takes every occurrence of words out of folded, longest
// first, until none is left; kind is that of the longest word found (""
// when none was).
func withoutContext(folded string, words []contextWord) (rest, kind string) {
	for changed := true; changed; {
		changed = false
		for _, w := range words {
			if strings.Contains(folded, w.word) {
				folded = strings.ReplaceAll(folded, w.word, "")
				changed = true
				if kind == "" {
					kind = w.kind
				}
			}
		}
	}
	return folded, kind
}
