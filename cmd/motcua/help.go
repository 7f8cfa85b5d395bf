package main

import (
	"flag"
	"fmt"
	"runtime/debug"
	"strings"
)

// release is the packager's release string, set at link time:
//
//	go build -ldflags "-X main.release=1.4.0" ./cmd/motcua
//
// It is the one package-level variable here because -X can only set
// those; without it the module version from the build info is shown.
var release string

// helpError carries the text -h/--help asked for up to run, which prints
// it on stdout and succeeds: help is an answer, not a failure.
type helpError struct{ text string }

func (e *helpError) Error() string { return e.text }

func isHelp(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "-help" || arg == "help"
}

// envName is the environment variable a flag may also be set from.
func envName(flagName string) string {
	return "MOTCUA_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// flagHelp lists fs's flags: one line per flag with its value's kind,
// its MOTCUA_ variable and its default, then what it does.
func flagHelp(fs *flag.FlagSet) string {
	var b strings.Builder
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return "motcua " + fs.Name() + ": no flags\n"
	}
	fmt.Fprintf(&b, "motcua %s — flags (each may also be set as the MOTCUA_ variable shown; a flag given wins):\n", fs.Name())
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if kind != "" {
			line += " " + kind
		}
		line += "  " + envName(f.Name)
		switch f.DefValue {
		case "", "false", "0", "0s", "[]":
		default:
			line += fmt.Sprintf("  (default %q)", f.DefValue)
		}
		fmt.Fprintf(&b, "%s\n      %s\n", line, usage)
	})
	return b.String()
}

// versionText is what `motcua version` prints: the release (the
// packager's, else the module version, "devel" for a plain checkout
// build), the commit with its time and whether the tree had uncommitted
// changes, and the Go version.
func versionText(release string, bi *debug.BuildInfo, goVersion string) string {
	settings := map[string]string{}
	if bi != nil {
		for _, s := range bi.Settings {
			settings[s.Key] = s.Value
		}
		if release == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			release = bi.Main.Version
		}
	}
	if release == "" {
		release = "devel"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "motcua %s\n", release)
	if rev := settings["vcs.revision"]; rev != "" {
		fmt.Fprintf(&b, "commit %s", rev)
		if t := settings["vcs.time"]; t != "" {
			fmt.Fprintf(&b, " (%s)", t)
		}
		if settings["vcs.modified"] == "true" {
			b.WriteString(" with uncommitted changes")
		}
		b.WriteString("\n")
	} else {
		b.WriteString("commit unknown (built without version control information)\n")
	}
	fmt.Fprintf(&b, "go %s\n", goVersion)
	return b.String()
}
