package app

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP settings (RFC 6238). Microsoft and Google Authenticator only handle
// SHA1, 6 digits and 30 seconds reliably.
const (
	Issuer      = "À petits pas"
	CodeDigits  = 6
	CodePeriod  = 30 * time.Second
	CodeSkew    = 1  // steps accepted on either side of now
	SecretBytes = 20 // 160 bits
	// MaxAccountLabel keeps the authenticator entry readable on a phone.
	MaxAccountLabel = 40

	// ClockSkewSearch is how far from now a refused code is looked for,
	// to tell a person whose computer (or phone) is not on time.
	ClockSkewSearch = 15 * time.Minute
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a new 160-bit secret from crypto/rand, base32
// without padding (32 characters).
func NewTOTPSecret() (string, error) {
	b := make([]byte, SecretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return b32.EncodeToString(b), nil
}

func totpOpts(digits int) totp.ValidateOpts {
	return totp.ValidateOpts{Period: uint(CodePeriod / time.Second), Digits: otp.Digits(digits), Algorithm: otp.AlgorithmSHA1}
}

// TOTPCode returns the code of secret at time t with the given number of
// digits (6 in the product; 8 for the RFC 6238 test vectors).
func TOTPCode(secret string, t time.Time, digits int) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totpOpts(digits))
}

// timeStep is the RFC 6238 counter of t.
func timeStep(t time.Time) int64 { return t.Unix() / int64(CodePeriod/time.Second) }

// matchCode returns the time step whose code is code, among the steps
// now-CodeSkew … now+CodeSkew, checked with pquerna's ValidateCustom at
// each step's time (the injected clock, never the wall clock).
func matchCode(secret, code string, now time.Time) (step int64, ok bool) {
	for _, k := range []int64{0, -1, 1} {
		at := now.Add(time.Duration(k) * CodePeriod)
		valid, err := totp.ValidateCustom(code, secret, at, totpOpts(CodeDigits))
		if err == nil && valid {
			return timeStep(at), true
		}
	}
	return 0, false
}

// clockSkewOf looks for a refused code among the time steps within
// ClockSkewSearch of now, outside the accepted window (nearest first). When
// it is found, skew estimates how far the service's clock (this computer's)
// is ahead of the phone's that made the code: positive when this computer
// is ahead (or the phone behind), negative when it is behind. The phone's
// time is somewhere in the matched step; the estimate takes its middle, to
// the second.
//
// This is no oracle worth having: a code found this way is still refused
// and counted toward the lock like any wrong code, and the check runs only
// after the password was right. What it tells is that the code typed was
// (or will be) the right one a few minutes away: a guesser typing random
// codes hits one of the 58 steps searched with a chance of about 58 in a
// million per try, and learns nothing that gets her in now.
func clockSkewOf(secret, code string, now time.Time) (skew time.Duration, ok bool) {
	period := int64(CodePeriod / time.Second)
	steps := int64(ClockSkewSearch / CodePeriod)
	cur := timeStep(now)
	for d := int64(CodeSkew + 1); d <= steps; d++ {
		for _, step := range []int64{cur - d, cur + d} {
			want, err := totp.GenerateCodeCustom(secret, time.Unix(step*period, 0), totpOpts(CodeDigits))
			if err != nil || subtle.ConstantTimeCompare([]byte(want), []byte(code)) != 1 {
				continue
			}
			mid := time.Unix(step*period, 0).Add(CodePeriod / 2)
			return now.Sub(mid).Truncate(time.Second), true
		}
	}
	return 0, false
}

// ParseCode accepts what a person types or pastes: "123456", "123 456",
// " 123-456 ". Anything else (letters, a wrong length, a huge paste) is
// refused as a format error, which never counts as a failed attempt.
func ParseCode(input string) (string, error) {
	if len(input) > 64 {
		return "", &Error{Code: EINVALID, Reason: ReasonCodeFormat}
	}
	var b strings.Builder
	for _, r := range input {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case unicode.IsSpace(r) || r == '-' || r == '\u00a0' || r == '\u202f':
		default:
			return "", &Error{Code: EINVALID, Reason: ReasonCodeFormat}
		}
	}
	if b.Len() != CodeDigits {
		return "", &Error{Code: EINVALID, Reason: ReasonCodeFormat}
	}
	return b.String(), nil
}

// otpEscape percent-encodes everything but RFC 3986 unreserved characters,
// so a space is %20 (never +) and accents are UTF-8 escapes.
func otpEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// labelPart cleans an issuer or account name for the otpauth label: no
// colon (the label's separator), single spaces.
func labelPart(s string) string {
	s = strings.ReplaceAll(s, ":", " ")
	return strings.Join(strings.Fields(s), " ")
}

// AccountLabel names the person and the daycare in the authenticator
// ("Élodie D'Amour (CPE Les Lucioles)"), shortened to stay readable: the
// name alone, then the e-mail, when it would be too long.
func AccountLabel(u User, daycare string) string {
	name, daycare := labelPart(u.Name), labelPart(daycare)
	if daycare != "" {
		if full := name + " (" + daycare + ")"; utf8.RuneCountInString(full) <= MaxAccountLabel {
			return full
		}
	}
	if name != "" && utf8.RuneCountInString(name) <= MaxAccountLabel {
		return name
	}
	return labelPart(u.Email)
}

// OTPAuthURI is the key-URI the QR code carries:
// otpauth://totp/%C3%80%20petits%20pas:ACCOUNT?secret=…&issuer=%C3%80%20petits%20pas&algorithm=SHA1&digits=6&period=30
func OTPAuthURI(account, secret string) string {
	issuer := otpEscape(labelPart(Issuer))
	return "otpauth://totp/" + issuer + ":" + otpEscape(labelPart(account)) +
		"?secret=" + secret + "&issuer=" + issuer + "&algorithm=SHA1&digits=6&period=30"
}

// GroupKey writes a secret in groups of four for typing by hand.
func GroupKey(secret string) string {
	var parts []string
	for i := 0; i < len(secret); i += 4 {
		parts = append(parts, secret[i:min(i+4, len(secret))])
	}
	return strings.Join(parts, " ")
}
