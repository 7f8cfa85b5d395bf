package web

import (
	"context"

	"github.com/motcua/motcua/auth"
)

// WithActor returns ctx carrying a as the signed-in actor, as Middleware
// does once the session checks out; handler tests use it to sign in
// without a session store.
func WithActor(ctx context.Context, a *auth.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}
