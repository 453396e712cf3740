package rpc

import (
	"context"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/apetitspas/apetitspas/cmd/internal/rpc/gen/apetitspasv1"
	"github.com/apetitspas/apetitspas/cmd/internal/rpc/gen/apetitspasv1/apetitspasv1connect"
)

// Base answers the RPCs of the transport itself (Hello) and refuses the
// others (unimplemented): the transport's tests serve it alone; the
// service's handler (NewHandler) answers everything.
type Base struct {
	apetitspasv1connect.UnimplementedApetitsPasServiceHandler
	// AppVersion is the service's application version (FyneApp.toml).
	AppVersion string
}

// Hello answers the service's versions and clock. The client's versions
// were checked already, from the headers.
func (b Base) Hello(context.Context, *apetitspasv1.HelloRequest) (*apetitspasv1.HelloResponse, error) {
	return &apetitspasv1.HelloResponse{
		ApiVersion:          APIVersion,
		MinClientApiVersion: MinClientAPIVersion,
		AppVersion:          b.AppVersion,
		Now:                 timestamppb.New(time.Now()),
	}, nil
}
