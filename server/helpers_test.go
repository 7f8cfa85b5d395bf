package server_test

import (
	"bytes"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
)

func containsBytes(b []byte, s string) bool { return bytes.Contains(b, []byte(s)) }

func newCitizen(name string) auth.NewUser {
	return auth.NewUser{User: auth.User{Username: name, FullName: "Trần Thị Bình", Kind: "citizen"}, Password: demo.Password}
}
