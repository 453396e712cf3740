package app

import (
	"context"
	"strconv"
	"time"
)

// Idle lock bounds, in minutes.
const (
	DefaultIdleMinutes = 10
	MinIdleMinutes     = 1
	MaxIdleMinutes     = 240
)

// DaycareName returns the daycare's name chosen at first run ("" before).
func (s *Service) DaycareName(ctx context.Context) (string, error) {
	var name string
	err := s.view(ctx, func(tx Tx) error {
		var err error
		name, _, err = tx.Setting(SettingDaycareName)
		return err
	})
	return name, err
}

// IdleTimeout returns how long a session may stay without input before it
// returns to the sign-in screen.
func (s *Service) IdleTimeout(ctx context.Context) (time.Duration, error) {
	var v string
	var ok bool
	err := s.view(ctx, func(tx Tx) error {
		var err error
		v, ok, err = tx.Setting(SettingIdleMinutes)
		return err
	})
	if err != nil {
		return DefaultIdleMinutes * time.Minute, err
	}
	n, perr := strconv.Atoi(v)
	if !ok || perr != nil || n < MinIdleMinutes || n > MaxIdleMinutes {
		n = DefaultIdleMinutes
	}
	return time.Duration(n) * time.Minute, nil
}

// SetRememberEmail lets the sign-in screen offer the e-mail last used on
// a computer, or stops it (administrators only; journaled).
func (s *Service) SetRememberEmail(ctx context.Context, admin *Session, on bool) error {
	v := "0"
	if on {
		v = "1"
	}
	return s.asAdmin(ctx, admin, "remember e-mail", plain, "", func(tx Tx, a User, _ func() error) error {
		if err := tx.SetSetting(SettingRememberEmail, v); err != nil {
			return err
		}
		return tx.AppendAudit(s.audit(EventSettingChanged, a.Email, "", SettingRememberEmail+"="+v,
			kv(FieldSetting, SettingRememberEmail), kv(FieldValue, v)))
	})
}

// rememberEmail reads the setting (off when absent or unreadable).
func (s *Service) rememberEmail(ctx context.Context) (bool, error) {
	var v string
	err := s.view(ctx, func(tx Tx) error {
		var err error
		v, _, err = tx.Setting(SettingRememberEmail)
		return err
	})
	return err == nil && v == "1", err
}

// SetIdleMinutes changes the idle lock delay (administrators only).
func (s *Service) SetIdleMinutes(ctx context.Context, admin *Session, minutes int) error {
	if minutes < MinIdleMinutes || minutes > MaxIdleMinutes {
		return Errorf(EINVALID, ReasonSettingInvalid, "idle minutes must be between %d and %d", MinIdleMinutes, MaxIdleMinutes)
	}
	return s.asAdmin(ctx, admin, "idle minutes", plain, "", func(tx Tx, a User, _ func() error) error {
		if err := tx.SetSetting(SettingIdleMinutes, strconv.Itoa(minutes)); err != nil {
			return err
		}
		return tx.AppendAudit(s.audit(EventSettingChanged, a.Email, "", "idle_minutes="+strconv.Itoa(minutes),
			kv(FieldSetting, SettingIdleMinutes), kv(FieldValue, strconv.Itoa(minutes))))
	})
}
