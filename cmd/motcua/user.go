package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
)

// runUser implements `motcua user add NAME --role ROLE --unit CODE
// --password-stdin`: how an administrator bootstraps accounts. The
// password comes from standard input so it never lands in shell history
// or the process list.
func runUser(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) < 2 || args[0] != "add" {
		return errors.New("usage: motcua user add NAME --role ROLE --unit UNITCODE --password-stdin")
	}
	name := args[1]
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	role := fs.String("role", "", "role: "+strings.Join(append(auth.OfficerRoles, auth.Citizen), ", "))
	unitCode := fs.String("unit", "", "agency code of the unit the role is held on (not for citizens)")
	fullName := fs.String("full-name", "", "full name shown in the history")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if err := parse(fs, args[2:]); err != nil {
		return err
	}
	if !*pwStdin {
		return errors.New("--password-stdin is required: pass the password on standard input")
	}
	if !auth.ValidRole(*role) {
		return fmt.Errorf("--role must be one of %s", strings.Join(append(auth.OfficerRoles, auth.Citizen), ", "))
	}
	if *role != auth.Citizen && *unitCode == "" {
		return errors.New("--unit is required for an officer role")
	}
	pw, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	pw = strings.TrimRight(pw, "\r\n")
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := prepare(ctx, db); err != nil {
		return err
	}
	app, err := server.New(ctx, db, server.Config{DataDir: dbf.data})
	if err != nil {
		return err
	}
	kind := "officer"
	if *role == auth.Citizen {
		kind = "citizen"
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		u, err := app.Auth.CreateUser(ctx, tx, auth.NewUser{User: auth.User{Username: name, FullName: *fullName, Kind: kind}, Password: pw})
		if err != nil {
			return err
		}
		if kind == "citizen" {
			return nil
		}
		un, err := app.Units.ByCodeTx(ctx, tx, *unitCode)
		if err != nil {
			return err
		}
		return app.Auth.Grant(ctx, tx, u.ID, un.ID, *role)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s (%s)\n", name, *role)
	return nil
}
