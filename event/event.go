// Package event carries domain events from the module that makes a change
// to the modules that react to it, inside the transaction of the change.
//
// A module publishes a typed event (dossier.Transitioned, unit.Merged…)
// while its transaction is open; every listener subscribed to that type
// runs in the same transaction, in the order it was subscribed, and an
// error from any of them rolls the whole change back. So an outbox row, an
// aggregate or an audit row exists exactly when the change it describes
// does — none of them is special, and a new module plugs in by subscribing
// at wiring time (cmd/motcua, package server) without the publisher
// knowing it exists.
//
// Listeners must not call back into the publishing module's write methods
// (they would nest its transaction); they write their own tables through
// the transaction they are given.
package event

import (
	"context"
	"fmt"
	"reflect"

	"github.com/motcua/motcua/store"
)

// Bus dispatches events to listeners. Subscribe during wiring, before the
// bus is shared; Publish is then safe from any number of goroutines.
// A nil *Bus has no listeners.
type Bus struct {
	subs map[reflect.Type][]listener
}

type listener struct {
	name string
	fn   func(ctx context.Context, tx *store.Tx, e any) error
}

// New returns a bus with no listeners.
func New() *Bus { return &Bus{subs: map[reflect.Type][]listener{}} }

// Subscribe registers fn for events of type E under name (used in errors
// and in Listeners).
func Subscribe[E any](b *Bus, name string, fn func(ctx context.Context, tx *store.Tx, e E) error) {
	t := reflect.TypeFor[E]()
	b.subs[t] = append(b.subs[t], listener{name: name, fn: func(ctx context.Context, tx *store.Tx, e any) error {
		return fn(ctx, tx, e.(E))
	}})
}

// Publish hands e to every listener of its type in tx, stopping at the
// first error (which the caller returns, rolling tx back).
func Publish[E any](ctx context.Context, b *Bus, tx *store.Tx, e E) error {
	if b == nil {
		return nil
	}
	for _, l := range b.subs[reflect.TypeFor[E]()] {
		if err := l.fn(ctx, tx, e); err != nil {
			return fmt.Errorf("event %T: listener %s: %w", e, l.name, err)
		}
	}
	return nil
}

// Listeners names the listeners of events of type E, in call order.
func Listeners[E any](b *Bus) []string {
	if b == nil {
		return nil
	}
	var out []string
	for _, l := range b.subs[reflect.TypeFor[E]()] {
		out = append(out, l.name)
	}
	return out
}
