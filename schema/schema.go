// Package schema lists every module's migrations in the order they must
// run: a module comes after the modules whose tables it references. It is
// the one place that knows all modules; cmd/motcua and the tests migrate
// through it. A new module adds its migrations package here.
package schema

import (
	"context"
	webhook "github.com/motcua/motcua/webhook/migrations"

	audit "github.com/motcua/motcua/audit/migrations"
	auth "github.com/motcua/motcua/auth/migrations"
	blob "github.com/motcua/motcua/blob/migrations"
	calendar "github.com/motcua/motcua/calendar/migrations"
	catalog "github.com/motcua/motcua/catalog/migrations"
	civil "github.com/motcua/motcua/civil/migrations"
	dancu "github.com/motcua/motcua/dancu/migrations"
	document "github.com/motcua/motcua/document/migrations"
	dossier "github.com/motcua/motcua/dossier/migrations"
	dvcqg "github.com/motcua/motcua/dvcqg/migrations"
	esign "github.com/motcua/motcua/esign/migrations"
	forms "github.com/motcua/motcua/forms/migrations"
	land "github.com/motcua/motcua/land/migrations"
	notify "github.com/motcua/motcua/notify/migrations"
	payment "github.com/motcua/motcua/payment/migrations"
	postal "github.com/motcua/motcua/postal/migrations"
	rating "github.com/motcua/motcua/rating/migrations"
	reorg "github.com/motcua/motcua/reorg/migrations"
	sohoa "github.com/motcua/motcua/sohoa/migrations"
	"github.com/motcua/motcua/store"
	tally "github.com/motcua/motcua/tally/migrations"
	unit "github.com/motcua/motcua/unit/migrations"
)

// Modules returns every module's schema in dependency order.
func Modules() []store.Module {
	return []store.Module{
		blob.Module,
		unit.Module,
		auth.Module,
		catalog.Module,
		calendar.Module,
		dossier.Module,
		rating.Module,
		forms.Module,
		notify.Module,
		payment.Module,
		postal.Module,
		audit.Module,
		reorg.Module,
		tally.Module,
		sohoa.Module,
		esign.Module,
		dvcqg.Module,
		dancu.Module,
		webhook.Module,
		document.Module,
		land.Module,
		civil.Module,
	}
}

// Migrate applies every pending migration of every module.
func Migrate(ctx context.Context, db *store.DB) (int, error) {
	return db.Migrate(ctx, Modules())
}

// Pending lists what Migrate would run.
func Pending(ctx context.Context, db *store.DB) ([]store.Migration, error) {
	return db.Pending(ctx, Modules())
}
