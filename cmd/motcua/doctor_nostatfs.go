//go:build !linux

package main

func freeBytes(string) (uint64, error) { return 0, errNoStatfs }
