package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// usageCommands reads the command words of every usage line ("user add",
// "client rotate", and the "| client revoke …" alternatives), so a
// command added to the usage is covered by TestHelpEverySubcommand
// without editing it.
func usageCommands(t *testing.T) [][]string {
	t.Helper()
	word := regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	var cmds [][]string
	for _, line := range strings.Split(usage, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "motcua ")
		if !ok {
			continue
		}
		for i, alt := range strings.Split(rest, " | ") {
			f := strings.Fields(alt)
			if i > 0 && (len(f) == 0 || len(cmds) == 0 || f[0] != cmds[len(cmds)-1][0]) {
				continue // "| --flag…" is an alternative flag, not a command
			}
			var cmd []string
			for _, w := range f {
				if !word.MatchString(w) {
					break
				}
				cmd = append(cmd, w)
			}
			if len(cmd) > 0 { // not the title line "motcua — …"
				cmds = append(cmds, cmd)
			}
		}
	}
	if len(cmds) < 20 {
		t.Fatalf("only %d commands found in the usage: %q", len(cmds), cmds)
	}
	return cmds
}

// TestHelpEverySubcommand: -h and --help on every command of the usage
// succeed, print on stdout, and every flag line names the MOTCUA_
// variable the flag is also read from.
func TestHelpEverySubcommand(t *testing.T) {
	flagLine := regexp.MustCompile(`^  --([a-z0-9-]+)\b(.*)$`)
	for _, cmd := range usageCommands(t) {
		for _, h := range []string{"-h", "--help"} {
			t.Run(strings.Join(cmd, "_")+h, func(t *testing.T) {
				var out, errb bytes.Buffer
				if err := run(t.Context(), append(append([]string{}, cmd...), h), strings.NewReader(""), &out, &errb); err != nil {
					t.Fatalf("%v (stderr %q)", err, errb.String())
				}
				if out.Len() == 0 || errb.Len() != 0 {
					t.Fatalf("stdout %q, stderr %q", out.String(), errb.String())
				}
				flags := 0
				for _, l := range strings.Split(out.String(), "\n") {
					m := flagLine.FindStringSubmatch(l)
					if m == nil {
						continue
					}
					flags++
					if env := envName(m[1]); !strings.Contains(m[2], " "+env) {
						t.Errorf("flag line %q does not name %s", l, env)
					}
				}
				if flags == 0 && !strings.Contains(out.String(), "no flags") {
					t.Errorf("no flag lines in %q", out.String())
				}
			})
		}
	}
}

// TestHelpShowsDefaults: a flag's default is on its line; serve's
// --backup-dir (shared with doctor) is listed.
func TestHelpShowsDefaults(t *testing.T) {
	for _, cmd := range []string{"serve", "doctor"} {
		var out bytes.Buffer
		if err := run(t.Context(), []string{cmd, "-h"}, nil, &out, &out); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`  --addr string  MOTCUA_ADDR  (default "127.0.0.1:8080")`, "  --backup-dir string  MOTCUA_BACKUP_DIR\n"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s -h lacks %q:\n%s", cmd, want, out.String())
			}
		}
	}
}

func TestVersionText(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-12-07T14:45:09Z"}, {Key: "vcs.modified", Value: "true"}}
	cases := []struct {
		name    string
		release string
		bi      *debug.BuildInfo
		want    string
	}{
		{"packager's release wins", "1.4.0", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}, Settings: vcs},
			"motcua 1.4.0\ncommit 0123456789abcdef0123456789abcdef01234567 (2026-12-07T14:45:09Z) with uncommitted changes\ngo go1.26.0\n"},
		{"module version", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}, Settings: vcs[:3]},
			"motcua v1.3.0\ncommit 0123456789abcdef0123456789abcdef01234567 (2026-12-07T14:45:09Z)\ngo go1.26.0\n"},
		{"checkout build", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			"motcua devel\ncommit unknown (built without version control information)\ngo go1.26.0\n"},
		{"no build info", "", nil, "motcua devel\ncommit unknown (built without version control information)\ngo go1.26.0\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := versionText(c.release, c.bi, "go1.26.0"); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"version"}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "motcua ") || !strings.Contains(out.String(), "\ngo go1.") {
		t.Errorf("motcua version printed %q", out.String())
	}
}

// TestVersionReleaseFromLdflags builds the binary the way the packaging
// documentation says (-ldflags "-X main.release=…") and runs it.
func TestVersionReleaseFromLdflags(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("builds the binary; set CI=true or drop -short")
	}
	bin := filepath.Join(t.TempDir(), "motcua")
	build := exec.Command("go", "build", "-ldflags", "-X main.release=9.8.7-test", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), "motcua 9.8.7-test\n") {
		t.Errorf("version printed %q", out)
	}
}
