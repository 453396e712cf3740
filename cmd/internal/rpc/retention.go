package rpc

import (
	"context"
	"errors"

	"connectrpc.com/connect"

	"github.com/apetitspas/apetitspas/app"
	pb "github.com/apetitspas/apetitspas/cmd/internal/rpc/gen/apetitspasv1"
)

// Sécurité → « Conservation des renseignements » (app/retention.go).

var _ app.Retainer = (*Client)(nil)

func (c *Client) Retention(ctx context.Context, h *app.Handle) (app.Retention, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.RetentionResponse, error) {
		return c.rpc.Retention(ctx, &pb.RetentionRequest{Token: h.Token()})
	})
	if err != nil {
		return app.Retention{}, err
	}
	r := app.Retention{DisabledMonths: int(res.GetDisabledMonths()), JournalYears: int(res.GetJournalYears())}
	for _, d := range res.GetDisabled() {
		r.Disabled = append(r.Disabled, app.DisabledAccount{Email: d.GetEmail(), Name: d.GetName(),
			Role: app.Role(d.GetRole()), Since: fromTS(d.GetSince())})
	}
	return r, nil
}

func (c *Client) SetRetention(ctx context.Context, h *app.Handle, disabledMonths, journalYears int, code string) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.SetRetentionResponse, error) {
		return c.rpc.SetRetention(ctx, &pb.SetRetentionRequest{Token: h.Token(),
			DisabledMonths: int64(disabledMonths), JournalYears: int64(journalYears), Code: code})
	})
	return err
}

func (c *Client) EraseDisabled(ctx context.Context, h *app.Handle, emails []string, password, code string) ([]app.ErasedAccount, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.EraseDisabledResponse, error) {
		return c.rpc.EraseDisabled(ctx, &pb.EraseDisabledRequest{Token: h.Token(), Emails: emails, Password: password, Code: code})
	})
	if err != nil {
		return nil, err
	}
	var out []app.ErasedAccount
	for _, e := range res.GetErased() {
		out = append(out, app.ErasedAccount{Email: e.GetEmail(), Person: e.GetPerson(), Reason: e.GetReason()})
	}
	return out, nil
}

// retainer is the API's retention, or an error for an API without it (an
// older side's).
func (s *service) retainer() (app.Retainer, error) {
	r, ok := s.api.(app.Retainer)
	if !ok {
		return nil, connect.NewError(connect.CodeUnimplemented, errors.New("rpc: this service has no retention settings"))
	}
	return r, nil
}

func (s *service) Retention(ctx context.Context, req *pb.RetentionRequest) (*pb.RetentionResponse, error) {
	r, err := s.retainer()
	if err != nil {
		return nil, err
	}
	h := handleOf(req.GetToken())
	ret, err := r.Retention(ctx, h)
	if err != nil {
		return nil, withView(err, h)
	}
	res := &pb.RetentionResponse{View: viewOut(h), DisabledMonths: int64(ret.DisabledMonths), JournalYears: int64(ret.JournalYears)}
	for _, d := range ret.Disabled {
		res.Disabled = append(res.Disabled, &pb.DisabledAccount{Email: d.Email, Name: d.Name, Role: string(d.Role), Since: ts(d.Since)})
	}
	return res, nil
}

func (s *service) SetRetention(ctx context.Context, req *pb.SetRetentionRequest) (*pb.SetRetentionResponse, error) {
	r, err := s.retainer()
	if err != nil {
		return nil, err
	}
	h := handleOf(req.GetToken())
	if err := r.SetRetention(ctx, h, int(req.GetDisabledMonths()), int(req.GetJournalYears()), req.GetCode()); err != nil {
		return nil, withView(err, h)
	}
	return &pb.SetRetentionResponse{View: viewOut(h)}, nil
}

func (s *service) EraseDisabled(ctx context.Context, req *pb.EraseDisabledRequest) (*pb.EraseDisabledResponse, error) {
	r, err := s.retainer()
	if err != nil {
		return nil, err
	}
	h := handleOf(req.GetToken())
	out, err := r.EraseDisabled(ctx, h, req.GetEmails(), req.GetPassword(), req.GetCode())
	if err != nil {
		return nil, withView(err, h)
	}
	res := &pb.EraseDisabledResponse{View: viewOut(h)}
	for _, e := range out {
		res.Erased = append(res.Erased, &pb.ErasedAccount{Email: e.Email, Person: e.Person, Reason: e.Reason})
	}
	return res, nil
}
