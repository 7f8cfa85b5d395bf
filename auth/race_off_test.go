//go:build !race

package auth_test

// raceFactor scales memory bounds for a race-detector build; 1 without it.
const raceFactor = 1
