/* commands: every command is one row of one table (name, alias, arguments,
 * handler, help), git's cmd_* style. `ringdb --help`, the help screen and
 * docs/ringdb.md all come from this table. */
#ifndef RINGDB_COMMANDS_H
#define RINGDB_COMMANDS_H

#include <stdio.h>

#include "session.h"

struct command {
	const char *name;
	const char *alias;
	const char *args;
	int (*run)(struct session *s, int argc, char **argv, const char *rest);
	const char *help;
};

extern const struct command commands[];
extern const int command_count;

/* The screen's single keys: each runs a command of the table above. The
 * screen, its help page and --help all read this table. */
struct key_binding {
	int key;               /* the character */
	int fkey;              /* also F<fkey>, 0 for none */
	const char *label;     /* as shown: "s / F7" */
	const char *command;   /* what it runs */
	const char *help;
};
extern const struct key_binding key_bindings[];
extern const int key_binding_count;
void keys_print_help(FILE *out);

/* Run one command line. Returns 0, or -1 when the command failed. */
int command_execute(struct session *s, const char *line);
/* The command reference as text, WIDTH columns (help screen, --help). */
void commands_print_help(FILE *out);
/* The same as markdown table rows (docs/ringdb.md is checked against it). */
void commands_print_markdown(FILE *out);

#endif
