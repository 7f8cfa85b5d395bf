// Package archtest holds tests of motcua's shape (docs/architecture.md):
// which package may name which table in its SQL. It has no code of its own.
package archtest
