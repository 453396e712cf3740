package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/apetitspas/apetitspas/assets"
)

// usageEntry is one command of usage: its group ("users", "setup"), its
// sub-commands ("disable", "enable", "unlock"; none for "setup" or the
// bare "audit") and its lines, the first one being its synopsis.
type usageEntry struct {
	group string
	subs  []string
	lines []string
}

// entries are usage's commands, in its order.
var entries = parseUsage(usage)

// parseUsage finds the commands of the help text: a line
// "  apetitspas-admin " starts one (the --db that may come first is
// skipped), lines indented by 8 spaces continue it.
func parseUsage(text string) []usageEntry {
	var out []usageEntry
	in := false
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, "  apetitspas-admin "); ok {
			in = false
			words := strings.Fields(rest)
			for len(words) > 0 && strings.HasPrefix(words[0], "[") {
				// [--db CHEMIN]
				for len(words) > 0 && !strings.HasSuffix(words[0], "]") {
					words = words[1:]
				}
				words = words[1:]
			}
			if len(words) > 1 && words[0] == "--db" {
				words = words[2:]
			}
			if len(words) == 0 || strings.HasPrefix(words[0], "-") {
				continue // --version
			}
			e := usageEntry{group: words[0], lines: []string{line}}
			if len(words) > 1 && !strings.HasPrefix(words[1], "-") && !strings.HasPrefix(words[1], "[") {
				e.subs = strings.Split(words[1], "|")
			}
			out = append(out, e)
			in = true
			continue
		}
		if in && strings.HasPrefix(line, "        ") {
			e := &out[len(out)-1]
			e.lines = append(e.lines, line)
			continue
		}
		in = false
	}
	return out
}

// subcommands lists a group's sub-commands in the help's order ("users":
// add, import, role, …); bare is true when the group alone is a command
// too ("audit").
func subcommands(group string) (subs []string, bare bool) {
	for _, e := range entries {
		if e.group != group {
			continue
		}
		if len(e.subs) == 0 {
			bare = true
		}
		for _, s := range e.subs {
			if !slices.Contains(subs, s) {
				subs = append(subs, s)
			}
		}
	}
	return subs, bare
}

// commands lists the help's first words: setup, users, audit, …
func commands() []string {
	var out []string
	for _, e := range entries {
		if !slices.Contains(out, e.group) {
			out = append(out, e.group)
		}
	}
	return out
}

// usageOf returns the help's lines about command, whole ("users list",
// "setup", "audit": the bare command's); with group, the synopsis of each
// command of command's group ("users": users add, users import, …).
func usageOf(command string, group bool) []string {
	name, sub, _ := strings.Cut(command, " ")
	var out []string
	for _, e := range entries {
		switch {
		case e.group != name:
		case group:
			out = append(out, e.lines[0])
		case sub == "" && len(e.subs) == 0, sub != "" && slices.Contains(e.subs, sub):
			out = append(out, e.lines...)
		}
	}
	return out
}

// printUsageOf prints usageOf(command, group) to w, and where the whole
// help is.
func (c *cli) printUsageOf(w io.Writer, command string, group bool) {
	if lines := usageOf(command, group); len(lines) > 0 {
		fmt.Fprintln(w, strings.Join(lines, "\n"))
	}
	fmt.Fprintln(w, assets.Message(c.language, "cli.usage_more", nil))
}
