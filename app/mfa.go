package app

import "context"

// RequestMFAActivation is called when a user slides the multi-factor switch
// on in "Mon compte". Enrollment (QR code, codes at sign-in) is not built
// yet, so it refuses honestly and changes nothing: the switch must not
// pretend AMF works.
func (s *Service) RequestMFAActivation(ctx context.Context, sess *Session) error {
	if err := s.signedIn(ctx, sess); err != nil {
		return err
	}
	return &Error{Code: EUNAVAILABLE, Reason: ReasonMFANotAvailable}
}
