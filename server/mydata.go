package server

import (
	"github.com/motcua/motcua/mydata"
	"github.com/motcua/motcua/store"
)

// newMyData wires the citizen's rights over their data (package mydata):
// each module answers from its own tables, in the JSON's order, and the
// modules that process for a purpose needing consent keep it.
func newMyData(db *store.DB, a *App, cfg Config) *mydata.Service {
	return mydata.New(mydata.Config{DB: db, Bus: a.Events, Now: cfg.Now, Dossiers: a.Dossiers, Trail: a.Audit, Accounts: a.Auth,
		Parts: []mydata.Named{
			{Name: "account", Part: a.Auth},
			{Name: "payments", Part: a.Payments},
			{Name: "postal", Part: a.Postal},
			{Name: "ratings", Part: a.Ratings},
			{Name: "data_store", Part: a.Sohoa},
			{Name: "population_lookups", Part: a.Population},
			{Name: "notifications", Part: a.Notify},
		},
		Consents: []mydata.ConsentSource{a.Population, a.Sohoa, a.Notify},
	})
}
