package rpc

import (
	"context"

	"connectrpc.com/connect"

	"github.com/apetitspas/apetitspas/app"
	pb "github.com/apetitspas/apetitspas/cmd/internal/rpc/gen/apetitspasv1"
)

// A person's data (« Exporter les données de cette personne »): the
// journal rows come a page a message, so that a person with 100,000 rows
// never makes one message, nor the service hold them all.

var _ app.PersonExporter = (*Client)(nil)

// ExportPerson calls rows, in this goroutine, with each page of the
// person's journal rows as the service sends them, then returns her
// account. An error of rows ends the call (the stream is closed) and is
// returned.
func (c *Client) ExportPerson(ctx context.Context, h *app.Handle, email string, formats []string, rows func([]app.AuditEvent) error) (app.PersonData, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ctx, sink := withViewSink(ctx)
	stream, err := c.rpc.ExportPerson(ctx, &pb.ExportPersonRequest{Token: h.Token(), Email: email, Formats: formats})
	if err != nil {
		return app.PersonData{}, err
	}
	defer stream.Close()
	var person *pb.PersonData
	for person == nil && stream.Receive() {
		switch part := stream.Msg().GetPart().(type) {
		case *pb.ExportPersonResponse_Rows:
			if rows != nil {
				if err := rows(eventsOf(part.Rows.GetEvents())); err != nil {
					return app.PersonData{}, err
				}
			}
		case *pb.ExportPersonResponse_Person:
			person = part.Person
		}
	}
	if err := stream.Err(); err != nil {
		if sink.view != nil {
			h.SetView(viewOf(sink.view))
		}
		return app.PersonData{}, err
	}
	if person == nil {
		return app.PersonData{}, cutShort()
	}
	if person.GetView() != nil {
		h.SetView(viewOf(person.GetView()))
	}
	return personDataOf(person), nil
}

// ExportPerson sends the rows a page a message as the API hands them
// over, then the account. An API that cannot export (an older side's)
// answers that the service is of another version.
func (s *service) ExportPerson(ctx context.Context, req *pb.ExportPersonRequest, stream *connect.ServerStream[pb.ExportPersonResponse]) error {
	h := handleOf(req.GetToken())
	exp, ok := s.api.(app.PersonExporter)
	if !ok {
		return versionError("the service cannot export a person's data")
	}
	d, err := exp.ExportPerson(ctx, h, req.GetEmail(), req.GetFormats(), func(page []app.AuditEvent) error {
		return stream.Send(&pb.ExportPersonResponse{Part: &pb.ExportPersonResponse_Rows{
			Rows: &pb.PersonRows{Events: eventsPB(page)}}})
	})
	if err != nil {
		return withView(err, h)
	}
	p := personDataPB(d)
	p.View = viewOut(h)
	return stream.Send(&pb.ExportPersonResponse{Part: &pb.ExportPersonResponse_Person{Person: p}})
}

func personDataPB(d app.PersonData) *pb.PersonData {
	a := d.Account
	return &pb.PersonData{Daycare: d.Daycare, Made: ts(d.Made), By: d.By, Formats: d.Formats,
		Account: &pb.PersonAccount{Email: a.Email, Name: a.Name, Role: string(a.Role), Disabled: a.Disabled,
			MustChangePassword: a.MustChangePassword, Tampered: a.Tampered, CreatedAt: ts(a.CreatedAt),
			UpdatedAt: ts(a.UpdatedAt), CreatedBy: a.CreatedBy, FailedLogins: int64(a.FailedLogins),
			LockedUntil: ts(a.LockedUntil), LastSignIn: ts(a.LastSignIn), Mfa: string(a.MFA),
			MfaState: string(a.MFAState), MfaSince: ts(a.MFASince), MfaDue: ts(a.MFADue),
			MfaSecretSince: ts(a.MFASecretSince), MfaResetBy: a.MFAResetBy, MfaResetAt: ts(a.MFAResetAt),
			RecoveryCodesLeft: int64(a.RecoveryCodesLeft), ReactivationExpires: ts(a.ReactivationExpires)}}
}

func personDataOf(p *pb.PersonData) app.PersonData {
	a := p.GetAccount()
	return app.PersonData{Daycare: p.GetDaycare(), Made: fromTS(p.GetMade()), By: p.GetBy(), Formats: p.GetFormats(),
		Account: app.PersonAccount{Email: a.GetEmail(), Name: a.GetName(), Role: app.Role(a.GetRole()),
			Disabled: a.GetDisabled(), MustChangePassword: a.GetMustChangePassword(), Tampered: a.GetTampered(),
			CreatedAt: fromTS(a.GetCreatedAt()), UpdatedAt: fromTS(a.GetUpdatedAt()), CreatedBy: a.GetCreatedBy(),
			FailedLogins: int(a.GetFailedLogins()), LockedUntil: fromTS(a.GetLockedUntil()),
			LastSignIn: fromTS(a.GetLastSignIn()), MFA: app.MFAState(a.GetMfa()),
			MFAState: app.ReportState(a.GetMfaState()), MFASince: fromTS(a.GetMfaSince()), MFADue: fromTS(a.GetMfaDue()),
			MFASecretSince: fromTS(a.GetMfaSecretSince()), MFAResetBy: a.GetMfaResetBy(),
			MFAResetAt: fromTS(a.GetMfaResetAt()), RecoveryCodesLeft: int(a.GetRecoveryCodesLeft()),
			ReactivationExpires: fromTS(a.GetReactivationExpires())}}
}
