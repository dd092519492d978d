/* main.c - vhost's entry point: global options, the command table, and the
 * exit status (0 ok, 1 a command failed, 2 bad usage or configuration). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vhost/sdk.h>

#include "vh_cmd.h"
#include "vh_error.h"

#ifndef VHOST_VERSION
#define VHOST_VERSION "0.0.0"
#endif

/* The command table: one row per command, one cmd_<name>.c per row. The
 * usage, summary and help columns are all `--help` prints, so they are the
 * documentation of record for each command's options. */
const vh_cmd vh_commands[] = {
	{"upgrade", vh_cmd_upgrade, "upgrade [--sql [--with-history]] [--dry-run] [--no-backup] [--yes] [--tag TEXT] [SPEC]",
	 "Upgrade to a later revision (default: head)",
	 "  SPEC            head (default), heads, an id or prefix, +N, REV+N,\n"
	 "                  label@head, label@+N (a branch; its dependencies first)\n"
	 "  --tag TEXT      recorded in each history row (a release id, a commit)\n"
	 "  --with-history  with --sql: the script also writes vhost's history rows\n"
	 "                  (with each plugin's SHA-256, so drift detection stays whole)\n"
	 "  --sql           print the SQL script instead of running it ([START:]END)\n"
	 "  --dry-run       run the plan in one transaction and roll it back\n"
	 "  --single-transaction  run the whole plan in one transaction\n"
	 "  --no-backup     skip the environment's backup_command\n"
	 "  --yes           confirm for an environment that requires it\n"
	 "  --wait-for-replicas DURATION  then wait until every standby has replayed it\n"
	 "                  (wait_for_replicas; 0 = do not wait)\n"},
	{"downgrade", vh_cmd_downgrade, "downgrade [--sql [--with-history]] [--dry-run] [--no-backup] [--yes] [--tag TEXT] SPEC",
	 "Revert to a previous revision",
	 "  SPEC            -1, base, an id or prefix, REV-N, label@-N,\n"
	 "                  label@base (that branch only, and what depends on it)\n"
	 "  --tag TEXT      recorded in each history row\n"
	 "  --sql           print the SQL script instead of running it (START:END)\n"
	 "  --with-history  with --sql: the script also writes vhost's history rows\n"
	 "  --dry-run       run the plan in one transaction and roll it back\n"
	 "  --single-transaction  run the whole plan in one transaction\n"
	 "  --no-backup     skip the environment's backup_command\n"
	 "  --yes           confirm for an environment that requires it\n"
	 "  --wait-for-replicas DURATION  then wait until every standby has replayed it\n"
	 "                  (wait_for_replicas; 0 = do not wait)\n"},
	{"current", vh_cmd_current, "current [-v] [--json] [--check-heads]",
	 "Show the revision(s) the database is at",
	 "  -v, --verbose   show each revision's file and message\n"
	 "  --json          machine-readable output\n"
	 "  --check-heads   exit 1 unless the database is at every head\n"},
	{"stamp", vh_cmd_stamp, "stamp [--purge] [--sql] [--yes] [--tag TEXT] SPEC",
	 "Set the version table to SPEC without running any revision",
	 "  SPEC            head, heads, base, an id or prefix, label@head\n"
	 "  --tag TEXT      recorded in each history row\n"
	 "  --purge         empty the version table first (also when it names an unknown revision)\n"
	 "  --sql           print the SQL instead of running it\n"
	 "  --yes           confirm for an environment that requires it\n"},
	{"history", vh_cmd_history, "history [-r START:END] [-v] [-i] [--applied] [--json] [--format markdown|json]",
	 "List revisions, newest first, in Alembic's format",
	 "  -r, --rev-range RANGE   only START:END (either side may be empty)\n"
	 "  -v, --verbose           show path, parents and messages in full\n"
	 "  -i, --indicate-current  mark the database's current revision(s) (connects)\n"
	 "  --applied               show the history table: what ran, when, by whom (connects)\n"
	 "  --json                  machine-readable output (with -i: which is current)\n"
	 "  --format markdown       the chain as a Markdown list (--format json: as --json)\n"},
	{"heads", vh_cmd_heads, "heads [-v]", "Show the head revision(s)",
	 "  -v, --verbose   show path and message\n"},
	{"branches", vh_cmd_branches, "branches [-v]", "Show revisions that have more than one child",
	 "  -v, --verbose   show path and message\n"},
	{"show", vh_cmd_show, "show REV", "Show one revision in full",
	 "  REV             an id or prefix, head, base, current\n"},
	{"plugins", vh_cmd_plugins, "plugins [-v]", "List every plugin file, its revision, parent, ABI and whether it loads",
	 "  -v, --verbose   each plugin's resolved path and trust verdict, and the metadata index\n"
	 "  exits 1 if any plugin does not load\n"},
	{"check", vh_cmd_check, "check", "Exit 1 unless the database is at the head revision(s) and matches the model",
	 "  with `model` set, lists the operations that would bring the database to the model\n"},
	{"drift", vh_cmd_drift, "drift [--json] [--yes]",
	 "Compare the schema with what the revision chain builds at the database's revision",
	 "  builds the chain at the recorded revision(s) in a scratch database (or schema)\n"
	 "  --json          machine-readable output\n"
	 "  --yes           confirm a scratch schema in an environment that requires it\n"
	 "  exits 1 listing every difference (object, the chain's, the database's), 0 when none\n"},
	{"test", vh_cmd_test, "test [--allow-branches] [--sample-data FILE --sample-after REV] [--keep] [--trace-locks] [--yes]",
	 "Test every revision in a scratch database: upgrade, downgrade, upgrade again",
	 "  --allow-branches      several heads are intended (else a failed check)\n"
	 "  --sample-data FILE    SQL to load once REV is reached, so later revisions run on data\n"
	 "  --sample-after REV    the revision after which FILE loads\n"
	 "  --keep                keep the scratch database (or schema) to look at\n"
	 "  --trace-locks         also print the locks each statement takes (pg_locks, own scratch database)\n"
	 "  --yes                 confirm a scratch schema in an environment that requires it\n"
	 "  lints every revision first as the `lint` setting says (warn: print; error: fail)\n"
	 "  exits 1 if any check fails; each failure names the revision and the catalog difference\n"},
	{"lint", vh_cmd_lint, "lint [--all] [--offline] [--json | --format sarif] [--trace] [SPEC | REV:REV]",
	 "Report what the revisions to run will lock, rewrite or destroy (docs/lint.md)",
	 "  SPEC            lint what `upgrade SPEC` would run (default: head); REV:REV a range\n"
	 "  --all           every revision, base to heads\n"
	 "  --offline       do not connect: levels are the rules' defaults, ranges start at base\n"
	 "  --json          machine-readable output\n"
	 "  --format F      text (default), json or sarif (SARIF 2.1.0 for code scanning)\n"
	 "  --trace         also run them in a scratch database and record each statement's locks\n"
	 "  --yes           confirm a scratch schema in an environment that requires it (--trace)\n"
	 "  exits 1 when a finding not silenced by VHOST_LINT_IGNORE is at error level\n"},
	{"revision", vh_cmd_revision,
	 "revision [-m MESSAGE] [--autogenerate [--no-online]] [--rev-id ID] [--head REV [--splice]]\n"
	 "                [--branch-label NAME] [--depends-on REV] [--source-dir DIR] [--template FILE]",
	 "Write a new revision source based on the head, from the template",
	 "  -m, --message MESSAGE  what the revision does (names the file <id>_<slug>.c)\n"
	 "  --autogenerate         fill upgrade/downgrade with the difference between the database and the model\n"
	 "                         as an online plan: up to 6 chained revisions (enum labels added and indexes\n"
	 "                         dropped CONCURRENTLY, non-transactional; the change, with keys and checks on\n"
	 "                         existing tables NOT VALID; new indexes and the indexes of new primary/unique\n"
	 "                         keys CONCURRENTLY, non-transactional; VALIDATE, SET NOT NULL via a validated\n"
	 "                         check, keys added USING INDEX and the foreign keys that need them)\n"
	 "  --no-online            with --autogenerate: one revision, the plain plan (plain CREATE/DROP INDEX,\n"
	 "                         keys built in place, valid keys, SET NOT NULL)\n"
	 "  --rev-id ID            use ID instead of 12 random hex digits\n"
	 "  --head REV             base it on REV (default: head; 'base' starts a new root)\n"
	 "  --splice               allow a --head that is not a head (starts a branch)\n"
	 "  --head label@head      base it on the head of a labelled branch\n"
	 "  --branch-label NAME    label the new revision's branch (VHOST_BRANCH_LABELS)\n"
	 "  --depends-on REV       it needs REV (ids or labels, comma-separated) of another branch\n"
	 "  --source-dir DIR       write into DIR instead of the source_dir setting\n"
	 "  --template FILE        render FILE instead of source_dir/revision.c.in or the built-in\n"},
	{"merge", vh_cmd_merge, "merge [-m MESSAGE] [--rev-id ID] [--source-dir DIR] [--template FILE] REV REV... | heads",
	 "Write a merge revision joining several heads into one",
	 "  REV             the heads to join (ids or prefixes), or 'heads' for all\n"
	 "  -m, --message MESSAGE  what the merge is for\n"
	 "  --rev-id ID            use ID instead of 12 random hex digits\n"
	 "  --source-dir DIR       write into DIR instead of the source_dir setting\n"
	 "  --template FILE        render FILE instead of the default template\n"},
	{"repair", vh_cmd_repair, "repair [REV...]",
	 "After a person has checked: record the current plugins' SHA-256 and clear stale markers",
	 "  REV             only these applied revisions (ids or prefixes); default: all\n"
	 "  records the current SHA-256 of each applied revision whose plugin changed (what the\n"
	 "  drift check refuses) and clears in_progress markers; every change is a history row\n"},
	{"init", vh_cmd_init, "init [--template NAME] DIR",
	 "Start a new revision project in DIR: vhost.ini, revisions/, a build file, a README",
	 "  DIR                    a directory that does not exist yet, or is empty\n"
	 "  -t, --template NAME    the layout (default: cmake; see list_templates)\n"},
	{"list_templates", vh_cmd_list_templates, "list_templates", "List the project templates init can use",
	 ""},
	{"edit", vh_cmd_edit, "edit [--source-dir DIR] REV", "Open a revision's source in $VISUAL or $EDITOR",
	 "  REV             an id or prefix, head, label@head\n"
	 "  --source-dir DIR       look in DIR instead of the source_dir setting\n"},
	{"ensure_version", vh_cmd_ensure_version, "ensure_version",
	 "Create the version (and history) table if missing, and nothing else", ""},
	{NULL, NULL, NULL, NULL, NULL},
};

const vh_cmd *vh_cmd_find(const char *name)
{
	const vh_cmd *c;

	for (c = vh_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void vh_cmd_print_help(const vh_cmd *cmd, FILE *out)
{
	fprintf(out, "usage: vhost [global options] %s\n\n%s.\n", cmd->usage, cmd->summary);
	if (cmd->help && *cmd->help)
		fprintf(out, "\n%s", cmd->help);
	vh_cmd_fleet_help(cmd, out);
}

int vh_cmd_next(int argc, char **argv, int *pos, const vh_opt *opts,
		const char **val)
{
	const vh_opt *o;
	const char *arg, *eq;
	size_t len;

	*val = NULL;
	if (*pos >= argc)
		return -1;
	arg = argv[(*pos)++];
	if (strcmp(arg, "--") == 0) {
		if (*pos >= argc)
			return -1;
		*val = argv[(*pos)++];
		return 0;
	}
	/* "-1", "-2:head": relative revisions, not options. */
	if (arg[0] != '-' || arg[1] == '\0' || (arg[1] >= '0' && arg[1] <= '9')) {
		*val = arg;
		return 0;
	}
	if (arg[1] == '-') {
		eq = strchr(arg + 2, '=');
		len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		for (o = opts; o && o->name; o++)
			if (strlen(o->name) == len && strncmp(o->name, arg + 2, len) == 0)
				break;
		if (!o || !o->name)
			return vh_error_set(VH_ERR_USAGE, "%s: unknown option '%s' (see 'vhost %s --help')",
					    argv[0], arg, argv[0]);
		if (!o->has_arg) {
			if (eq)
				return vh_error_set(VH_ERR_USAGE, "%s: option '--%s' takes no value",
						    argv[0], o->name);
			return o->id;
		}
		if (eq) {
			*val = eq + 1;
			return o->id;
		}
	} else {
		for (o = opts; o && o->name; o++)
			if (o->short_name && o->short_name == arg[1])
				break;
		if (!o || !o->name || (!o->has_arg && arg[2]))
			return vh_error_set(VH_ERR_USAGE, "%s: unknown option '%s' (see 'vhost %s --help')",
					    argv[0], arg, argv[0]);
		if (!o->has_arg)
			return o->id;
		if (arg[2]) {
			*val = arg + 2;
			return o->id;
		}
	}
	if (*pos >= argc)
		return vh_error_set(VH_ERR_USAGE, "%s: option '%s' needs a value (see 'vhost %s --help')",
				    argv[0], arg, argv[0]);
	*val = argv[(*pos)++];
	return o->id;
}

static void usage(FILE *out)
{
	const vh_cmd *c;

	fprintf(out,
		"usage: vhost [-c FILE] [-e ENV] [--dsn CONNINFO] [--plugin-dir DIR] [--schema NAME]\n"
		"             [--insecure-plugins] [-x KEY=VALUE]... [-v|-q] COMMAND [ARGS]\n\n"
		"Global options may also follow the command (vhost upgrade head -q).\n\n"
		"A PostgreSQL schema-migration host: revisions are shared objects in plugin_dir.\n\n"
		"Global options:\n"
		"  -c, --config FILE     settings file (default: $VHOST_CONFIG, else ./vhost.ini if present)\n"
		"  -e, --env NAME        use the [env.NAME] section of the settings (or $VHOST_ENV)\n"
		"  --dsn CONNINFO        libpq connection string or URI (or $VHOST_DATABASE_URL)\n"
		"  --plugin-dir DIR      directory of revision plugins (*.so)\n"
		"  --schema NAME         target schema\n"
		"  --insecure-plugins    load plugins even from group/world-writable places\n"
		"  -x KEY=VALUE          an argument revisions read with vh_xarg() (repeatable; recorded in history)\n"
		"  -v, --verbose         more output\n"
		"  -q, --quiet           no progress output\n"
		"  -h, --help            this help; 'vhost COMMAND --help' for a command\n"
		"  --version             print the version\n\n"
		"Poolers, standbys and failover (settings in the ini file; docs/topologies.md):\n"
		"  pooler = auto|none|transaction, lock_lease = DURATION, wait_for_replicas = DURATION,\n"
		"  reconnect_timeout = DURATION (with host=a,b target_session_attrs=read-write)\n\n"
		"Commands:\n");
	for (c = vh_commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out, "\nExit status: 0 success, 1 a command failed, 2 bad usage or configuration.\n");
}

static int has_help_flag(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

/* Flushes stdout and turns a write error (a full disk, a closed pipe) into a
 * failure, as git does: a command whose output was lost did not succeed. */
static int finish_output(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "FAILED: cannot write to standard output\n");
		return status ? status : 1;
	}
	return status;
}

/* The global options, accepted before the command and after it (in any
 * place among the command's own arguments, up to a "--"). */
enum { G_CONFIG = 1, G_ENV, G_DSN, G_PLUGIN_DIR, G_SCHEMA, G_INSECURE, G_XARG, G_VERBOSE,
       G_QUIET, G_HELP, G_VERSION };
static const vh_opt global_opts[] = {
	{"config", 'c', 1, G_CONFIG},
	{"env", 'e', 1, G_ENV},
	{"dsn", 0, 1, G_DSN},
	{"plugin-dir", 0, 1, G_PLUGIN_DIR},
	{"schema", 0, 1, G_SCHEMA},
	{"insecure-plugins", 0, 0, G_INSECURE},
	{"x", 'x', 1, G_XARG},
	{"verbose", 'v', 0, G_VERBOSE},
	{"quiet", 'q', 0, G_QUIET},
	{"help", 'h', 0, G_HELP},
	{"version", 0, 0, G_VERSION},
	{NULL, 0, 0, 0},
};

/* What the global options set. */
typedef struct globals {
	vh_config_overrides ov;
	int verbose, quiet, insecure, help, version;
	const char **xargs; /* -x KEY=VALUE, in order; room for argc entries */
	size_t nxargs;
	int argc, nomem;
} globals;

/* The global option argv[*i] names: its row (and *val, advancing *i past a
 * separate value), NULL when it is not one. "-vq" style bundles of flags
 * are taken whole. A value that is missing is VH_ERR_USAGE via *err. */
static const vh_opt *global_match(int argc, char **argv, int *i, const char **val, int *err)
{
	const char *arg = argv[*i], *eq = NULL, *p;
	const vh_opt *o;
	size_t len;

	*val = NULL;
	*err = 0;
	if (arg[0] != '-' || !arg[1] || strcmp(arg, "--") == 0)
		return NULL;
	if (arg[1] == '-') {
		eq = strchr(arg + 2, '=');
		len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		for (o = global_opts; o->name; o++)
			if (strlen(o->name) == len && strncmp(o->name, arg + 2, len) == 0)
				break;
		if (!o->name || (eq && !o->has_arg))
			return NULL;
		if (eq)
			*val = eq + 1;
	} else {
		for (o = global_opts; o->name && o->short_name != arg[1]; o++)
			;
		if (!o->name)
			return NULL;
		if (!o->has_arg && arg[2]) {
			/* a bundle: only of value-less global flags */
			for (p = arg + 1; *p; p++) {
				const vh_opt *b;

				for (b = global_opts; b->name && b->short_name != *p; b++)
					;
				if (!b->name || b->has_arg)
					return NULL;
			}
		}
		if (o->has_arg && arg[2])
			*val = arg + 2;
	}
	if (o->has_arg && !*val) {
		if (*i + 1 >= argc) {
			*err = vh_error_set(VH_ERR_USAGE, "option '%s' needs a value (see 'vhost --help')",
					    arg);
			return NULL;
		}
		*val = argv[++*i];
	}
	return o;
}

/* Applies one matched global option (every flag of a "-vq" bundle). */
static void global_apply(globals *g, const vh_opt *o, const char *arg, const char *val)
{
	const char *p;

	switch (o->id) {
	case G_CONFIG: g->ov.config_path = val; break;
	case G_ENV: g->ov.env = val; break;
	case G_DSN: g->ov.dsn = val; break;
	case G_PLUGIN_DIR: g->ov.plugin_dir = val; break;
	case G_SCHEMA: g->ov.schema = val; break;
	case G_INSECURE: g->insecure = 1; break;
	case G_XARG:
		/* made on the first -x: argc entries are always room enough */
		if (!g->xargs && !(g->xargs = calloc((size_t)g->argc, sizeof(char *))))
			g->nomem = 1;
		else
			g->xargs[g->nxargs++] = val;
		break;
	case G_HELP: g->help = 1; break;
	case G_VERSION: g->version = 1; break;
	default: /* -v, -q, or a bundle of value-less flags such as -vq */
		if (arg[1] == '-')
			arg = o->id == G_VERBOSE ? "-v" : "-q";
		for (p = arg + 1; *p; p++) {
			if (*p == 'v')
				g->verbose++;
			else if (*p == 'q')
				g->quiet = 1;
			else if (*p == 'h')
				g->help = 1;
		}
	}
}

int main(int argc, char **argv)
{
	globals g = {0};
	vh_app app = {0};
	const vh_cmd *cmd;
	const vh_opt *o;
	const char *val;
	int rc, cmd_at, i, n, err;

	g.argc = argc;
	/* Before the command: global options only. */
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!(o = global_match(argc, argv, &i, &val, &err))) {
			if (err)
				fprintf(stderr, "FAILED: %s\n", vh_error_last());
			else
				fprintf(stderr, "FAILED: unknown global option '%s' (see 'vhost --help')\n",
					argv[i]);
			return 2;
		}
		global_apply(&g, o, argv[i], val);
		if (g.help) {
			usage(stdout);
			return finish_output(0);
		}
		if (g.version) {
			printf("vhost %s (SDK ABI %d.%d)\n", VHOST_VERSION, VH_SDK_ABI_MAJOR,
			       VH_SDK_ABI_MINOR);
			return finish_output(0);
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	cmd_at = i;
	cmd = vh_cmd_find(argv[cmd_at]);
	if (!cmd) {
		fprintf(stderr, "FAILED: unknown command '%s' (see 'vhost --help')\n", argv[cmd_at]);
		return 2;
	}
	if (has_help_flag(argc - cmd_at, argv + cmd_at)) {
		vh_cmd_print_help(cmd, stdout);
		return finish_output(0);
	}
	/* After the command: the global options are taken out, the command's
	 * own arguments kept in order (up to and after a "--"). A global -v
	 * also raises the verbosity of commands that have their own -v. */
	for (i = n = cmd_at + 1; i < argc; i++) {
		int at = i;

		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				argv[n++] = argv[i++];
			break;
		}
		if ((o = global_match(argc, argv, &i, &val, &err)) && o->id != G_HELP &&
		    o->id != G_VERSION) {
			global_apply(&g, o, argv[at], val);
			continue;
		}
		if (err) {
			fprintf(stderr, "FAILED: %s: %s\n", cmd->name, vh_error_last());
			return 2;
		}
		argv[n++] = argv[at];
	}
	argc = n;
	argv[argc] = NULL;
	app.verbose = g.verbose;
	app.quiet = g.quiet;
	app.xargs = g.xargs; /* the app frees it */
	app.nxargs = g.nxargs;
	if (g.nomem) {
		fprintf(stderr, "FAILED: out of memory\n");
		vh_app_close(&app);
		return 1;
	}

	if ((rc = vh_config_load(&app.cfg, &g.ov)) < 0) {
		fprintf(stderr, "FAILED: %s\n", vh_error_last());
		return vh_error_exit_status(rc);
	}
	if (g.insecure)
		app.cfg->insecure_plugins = 1;
	app.env = app.cfg->env_name;

	/* Each command sees argv starting at its own name. */
	rc = vh_cmd_fleet_wanted(argc - cmd_at, argv + cmd_at)
		     ? vh_cmd_fleet(&app, cmd, argc - cmd_at, argv + cmd_at)
		     : cmd->fn(&app, argc - cmd_at, argv + cmd_at);
	vh_app_close(&app);
	if (rc < 0)
		fprintf(stderr, "FAILED: %s\n", vh_error_last());
	return finish_output(rc < 0 ? vh_error_exit_status(rc) : rc);
}
