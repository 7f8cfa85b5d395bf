//go:build race

package auth_test

// raceFactor scales memory bounds for a race-detector build, whose shadow
// memory and larger stacks cost up to 5–10× (go.dev/doc/articles/race_detector).
const raceFactor = 5
