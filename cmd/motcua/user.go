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

const userUsage = `usage: motcua user add NAME --role ROLE --unit UNITCODE --password-stdin
       motcua user passwd NAME      (the new password on standard input)
       motcua user disable NAME
       motcua user enable NAME
       motcua user totp-off NAME    (lost phone: the account enrols again)`

// runUser implements `motcua user add|passwd|disable|enable NAME`: how an
// operator bootstraps accounts and recovers them (an admin locked out, a
// leaked password) without SQL. Passwords come from standard input only,
// so they never land in shell history or the process list. passwd and
// disable end the account's sessions; each act is in the audit log with
// no actor (the command line).
func runUser(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) < 2 {
		return errors.New(userUsage)
	}
	name, rest := args[1], args[2:]
	if isHelp(name) { // `user add -h`: no NAME, just the flags
		name, rest = "", args[1:]
	}
	switch args[0] {
	case "add":
		return runUserAdd(ctx, name, rest, stdin, stdout)
	case "passwd", "disable", "enable", "totp-off":
		return runUserChange(ctx, args[0], name, rest, stdin, stdout)
	}
	return errors.New(userUsage)
}

// readPassword reads one line of standard input.
func readPassword(stdin io.Reader) (string, error) {
	pw, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(pw, "\r\n"), nil
}

func runUserChange(ctx context.Context, cmd, name string, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("user "+cmd, flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	fs.Bool("password-stdin", true, "read the password from standard input (always)")
	if err := parse(fs, args); err != nil {
		return err
	}
	var pw string
	if cmd == "passwd" {
		var err error
		if pw, err = readPassword(stdin); err != nil {
			return err
		}
	}
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := prepare(ctx, db); err != nil {
		return err
	}
	app, err := server.New(ctx, db, server.Config{DataDir: dbf.data, SecretKey: dbf.key, Blobs: dbf.blobs})
	if err != nil {
		return err
	}
	done := map[string]string{"passwd": "password of %s changed; its sessions ended", "disable": "%s disabled; its sessions ended", "enable": "%s enabled",
		"totp-off": "two-factor sign-in of %s turned off; its sessions ended"}[cmd]
	switch cmd {
	case "passwd":
		err = app.Auth.SetPasswordAsOperator(ctx, name, pw)
	case "totp-off":
		err = app.Auth.ClearTOTPAsOperator(ctx, name)
	default:
		err = app.Auth.SetDisabledAsOperator(ctx, name, cmd == "disable")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, done+"\n", name)
	return nil
}

func runUserAdd(ctx context.Context, name string, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	role := fs.String("role", "", "role: "+strings.Join(append(auth.OfficerRoles, auth.Citizen), ", "))
	unitCode := fs.String("unit", "", "agency code of the unit the role is held on (not for citizens)")
	fullName := fs.String("full-name", "", "full name shown in the history")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if err := parse(fs, args); err != nil {
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
	pw, err := readPassword(stdin)
	if err != nil {
		return err
	}
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := prepare(ctx, db); err != nil {
		return err
	}
	app, err := server.New(ctx, db, server.Config{DataDir: dbf.data, SecretKey: dbf.key, Blobs: dbf.blobs})
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
