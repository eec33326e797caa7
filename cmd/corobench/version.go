package main

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/corobench/corobench/results"
)

// buildOf describes a binary from its build information: the module's
// version, the commit, the Go version, the build tags and cgo. Every
// results file records it (results.Env.Build).
func buildOf(info *debug.BuildInfo) *results.Build {
	b := &results.Build{GoVersion: runtime.Version()}
	if info == nil {
		return b
	}
	b.Module, b.Version = info.Main.Path, info.Main.Version
	if info.GoVersion != "" {
		b.GoVersion = info.GoVersion
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		case "vcs.time":
			b.Time = s.Value
		case "-tags":
			b.Tags = s.Value
		case "CGO_ENABLED":
			b.CGO = s.Value
		}
	}
	return b
}

// thisBuild is this binary's build.
func thisBuild() *results.Build {
	info, _ := debug.ReadBuildInfo()
	return buildOf(info)
}

// shortCommit is a commit as results files have always written it: twelve
// hex digits, "+dirty" when the checkout had changes.
func shortCommit(b *results.Build) string {
	if b == nil || b.Commit == "" {
		return ""
	}
	c := b.Commit[:min(12, len(b.Commit))]
	if b.Modified {
		c += "+dirty"
	}
	return c
}

func versionCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "write the build as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: corobench version [-json]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: version takes no arguments", errUsage)
	}
	return writeVersion(stdout, thisBuild(), *asJSON)
}

func writeVersion(w io.Writer, b *results.Build, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(b)
	}
	commit := cmp.Or(b.Commit, "unknown (built without version control information)")
	if b.Modified {
		commit += " (modified)"
	}
	if b.Time != "" {
		commit += " of " + b.Time
	}
	_, err := fmt.Fprintf(w, "corobench %s\nmodule  %s\ncommit  %s\ngo      %s %s/%s\ntags    %s\ncgo     CGO_ENABLED=%s\n",
		cmp.Or(b.Version, "(unknown)"), cmp.Or(b.Module, "(unknown)"), commit, b.GoVersion, runtime.GOOS, runtime.GOARCH,
		cmp.Or(b.Tags, "(none)"), cmp.Or(b.CGO, "(unknown)"))
	return err
}
