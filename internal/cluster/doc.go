// Package cluster holds the scale-out test (docs/scale-out.md): the real
// motcua binary, three instances on one PostgreSQL database behind a real
// HAProxy, under load, one killed and one stopped. It has no code of its
// own.
package cluster
