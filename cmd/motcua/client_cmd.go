package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/server"
)

const clientUsage = `usage: motcua client add NAME --scopes dossiers:read,… --right dossier.read@UNITCODE[+below] … [--rate 600]
       motcua client rotate CLIENT_ID [--grace 24h]   (a new secret; the old works for the grace)
       motcua client revoke CLIENT_ID                 (the client and its live tokens end at once)
       motcua client list`

// rights is the repeatable --right flag: RIGHT@UNITCODE, "+below" to
// reach the units under it too.
type rights []string

func (r *rights) String() string     { return strings.Join(*r, " ") }
func (r *rights) Set(v string) error { *r = append(*r, v); return nil }

// runClient implements `motcua client add|rotate|revoke|list`: system
// accounts of integrating systems (docs/api-clients.md), managed by the
// operator. A secret is printed once and never stored; each act is in
// the audit log with no actor (the command line).
func runClient(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) < 1 || args[0] != "list" && len(args) < 2 {
		return errors.New(clientUsage)
	}
	fs := flag.NewFlagSet("client "+args[0], flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	var rs rights
	scopes := fs.String("scopes", "", "operation scopes, comma-separated: "+strings.Join(auth.ClientOps, ", "))
	fs.Var(&rs, "right", "RIGHT@UNITCODE[+below], repeatable; RIGHT one of dossier.read, dossier.file, report.read")
	rate := fs.Int("rate", 600, "requests per minute")
	grace := fs.Duration("grace", auth.ClientGrace, "how long the old secret keeps working after a rotation")
	rest := args[1:]
	if args[0] != "list" && !isHelp(args[1]) {
		rest = args[2:]
	}
	if err := parse(fs, rest); err != nil {
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
	switch args[0] {
	case "add":
		nc := auth.NewClient{Name: args[1], RatePerMinute: *rate}
		for _, op := range strings.Split(*scopes, ",") {
			if op = strings.TrimSpace(op); op != "" {
				nc.Ops = append(nc.Ops, op)
			}
		}
		for _, r := range rs {
			right, code, ok := strings.Cut(r, "@")
			code, below := strings.CutSuffix(code, "+below")
			if !ok || code == "" {
				return fmt.Errorf("--right %q: want RIGHT@UNITCODE[+below]", r)
			}
			u, err := app.Units.ByCode(ctx, code)
			if err != nil {
				return err
			}
			nc.Rights = append(nc.Rights, auth.ClientRight{UnitID: u.ID, Right: auth.Right(right), Below: below})
		}
		id, secret, err := app.Auth.AddClientAsOperator(ctx, nc)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "client_id: %s\nclient_secret: %s\n(the secret is shown this once; only its hash is kept)\n", id, secret)
	case "rotate":
		secret, err := app.Auth.RotateClientAsOperator(ctx, args[1], *grace)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "client_id: %s\nclient_secret: %s\n(the old secret works until %s)\n", args[1], secret,
			time.Now().Add(*grace).UTC().Format(time.RFC3339))
	case "revoke":
		if err := app.Auth.RevokeClientAsOperator(ctx, args[1]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s revoked; its tokens ended\n", args[1])
	case "list":
		all, err := app.Auth.ClientsAsOperator(ctx)
		if err != nil {
			return err
		}
		for _, c := range all {
			var rr []string
			for _, r := range c.Rights {
				s := string(r.Right) + "@" + r.UnitCode
				if r.Below {
					s += "+below"
				}
				rr = append(rr, s)
			}
			state := "active"
			if c.Revoked {
				state = "revoked"
			}
			fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\t%d/min\tsecrets=%d\t%s\n", c.ClientID, c.Name, strings.Join(c.Ops, ","),
				strings.Join(rr, ","), c.RatePerMinute, c.Secrets, state)
		}
	default:
		return errors.New(clientUsage)
	}
	return nil
}
