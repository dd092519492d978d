/* vh_cmd.h - the command table, in the manner of git's builtin.h.
 *
 * Adding a command:
 *  1. write host/cmd_<name>.c with `int vh_cmd_<name>(vh_app *app, int argc,
 *     char **argv)`; argv[0] is the command name, options follow. Parse them
 *     with vh_cmd_next() so options and errors look alike everywhere.
 *  2. declare it below and add a row to vh_commands[] in main.c with its
 *     usage line, summary and option help (what `vhost CMD --help` prints).
 *  3. return 0, or a negative VH_ERR_* code with vh_error_set(): main prints
 *     "FAILED: <message>" and exits 1 (2 for VH_ERR_USAGE).
 */
#ifndef VH_CMD_H
#define VH_CMD_H

#include <stdio.h>

#include "vh_app.h"

typedef int (*vh_cmd_fn)(vh_app *app, int argc, char **argv);

typedef struct vh_cmd {
	const char *name;
	vh_cmd_fn fn;
	const char *usage;   /* "upgrade [--sql] [SPEC]" */
	const char *summary; /* one line for `vhost --help` */
	const char *help;    /* option lines for `vhost CMD --help` */
} vh_cmd;

extern const vh_cmd vh_commands[];

/* The row for `name`, or NULL. */
const vh_cmd *vh_cmd_find(const char *name);

/* Prints `vhost CMD --help` text to `out`. */
void vh_cmd_print_help(const vh_cmd *cmd, FILE *out);

/* A command's option, for vh_cmd_next(). */
typedef struct vh_opt {
	const char *name; /* long name without "--" */
	char short_name;  /* 0 when none */
	int has_arg;      /* 1: takes a value (--name=V, --name V, -xV, -x V) */
	int id;           /* returned by vh_cmd_next */
} vh_opt;

/* Walks a command's arguments (argv[0] is the command name). Unlike getopt,
 * an argument like "-1" or "-2:head" is a positional (a relative revision),
 * never an option. Returns the option's id with *val set for options that
 * take one, 0 with *val set for a positional, -1 at the end, or VH_ERR_USAGE
 * naming the command and the bad option. `*pos` starts at 1. */
int vh_cmd_next(int argc, char **argv, int *pos, const vh_opt *opts,
		const char **val);

/* Parses upgrade/downgrade arguments (cmd_upgrade.c): the options into *o,
 * at most one positional into *spec (`def` when none; NULL def makes the
 * spec required). */
struct vh_run_opts;
int vh_cmd_parse_run(int argc, char **argv, struct vh_run_opts *o, const char **spec,
		     const char *def);

int vh_cmd_upgrade(vh_app *app, int argc, char **argv);
int vh_cmd_downgrade(vh_app *app, int argc, char **argv);
int vh_cmd_current(vh_app *app, int argc, char **argv);
int vh_cmd_stamp(vh_app *app, int argc, char **argv);
int vh_cmd_history(vh_app *app, int argc, char **argv);
int vh_cmd_heads(vh_app *app, int argc, char **argv);
int vh_cmd_branches(vh_app *app, int argc, char **argv);
int vh_cmd_show(vh_app *app, int argc, char **argv);
int vh_cmd_plugins(vh_app *app, int argc, char **argv);
int vh_cmd_check(vh_app *app, int argc, char **argv);
int vh_cmd_test(vh_app *app, int argc, char **argv);
int vh_cmd_drift(vh_app *app, int argc, char **argv);
int vh_cmd_revision(vh_app *app, int argc, char **argv);
int vh_cmd_merge(vh_app *app, int argc, char **argv);
int vh_cmd_lint(vh_app *app, int argc, char **argv);
int vh_cmd_repair(vh_app *app, int argc, char **argv);
int vh_cmd_init(vh_app *app, int argc, char **argv);
int vh_cmd_list_templates(vh_app *app, int argc, char **argv);
int vh_cmd_edit(vh_app *app, int argc, char **argv);
int vh_cmd_ensure_version(vh_app *app, int argc, char **argv);

/* --fleet NAME (cmd_fleet.c): whether the arguments ask for a fleet, running
 * `cmd` over it, and the fleet options' lines of `vhost CMD --help`. */
int vh_cmd_fleet_wanted(int argc, char **argv);
int vh_cmd_fleet(vh_app *app, const vh_cmd *cmd, int argc, char **argv);
void vh_cmd_fleet_help(const vh_cmd *cmd, FILE *out);

/* Authoring helpers shared by revision and merge (cmd_revision.c).
 * source_dir: the --source-dir flag when given, else the config's, else
 * VH_ERR_USAGE. graph: the revisions of plugin_dir and of source_dir's
 * sources together (a source wins over its plugin); *out is the caller's.
 * id: --rev-id checked (or a fresh one) into out[0..len), refused when the
 * graph has it. write: renders the template (--template, else
 * source_dir/revision.c.in, else the built-in) into source_dir/<id>_<slug>.c,
 * never overwriting, and prints where it went and the command that builds
 * it; v->file_name is set for the call. */
/* Where the SDK this binary belongs to lives (vh_cmd_sdk.c): its headers
 * (*inc), library (*lib) and templates (*templates, may be NULL), each
 * malloc'd, or NULL when neither the build tree nor an install beside the
 * binary has it. */
void vh_cmd_sdk_dirs(char **inc, char **lib, char **templates);

struct vh_template_vars;
int vh_cmd_author_source_dir(vh_app *app, const char *flag, const char **out);
int vh_cmd_author_graph(vh_app *app, const char *source_dir, vh_graph **out);
int vh_cmd_author_id(const vh_graph *g, const char *flag, char *out, size_t len);
int vh_cmd_author_write(vh_app *app, const char *source_dir, const char *template_path,
			struct vh_template_vars *v);

#endif
