/* main.c - vhost's entry point: global options, the command table, and the
 * exit status (0 ok, 1 a command failed, 2 bad usage or configuration). */
#include <getopt.h>
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
	{"history", vh_cmd_history, "history [-r START:END] [-v] [-i] [--applied] [--json] [--format markdown]",
	 "List revisions, newest first, in Alembic's format",
	 "  -r, --rev-range RANGE   only START:END (either side may be empty)\n"
	 "  -v, --verbose           show path, parents and messages in full\n"
	 "  -i, --indicate-current  mark the database's current revision(s) (connects)\n"
	 "  --applied               show the history table: what ran, when, by whom (connects)\n"
	 "  --json                  machine-readable output\n"
	 "  --format markdown       the chain as a Markdown list\n"},
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
	 "revision [-m MESSAGE] [--autogenerate] [--rev-id ID] [--head REV [--splice]] [--branch-label NAME]\n"
	 "                [--depends-on REV] [--source-dir DIR] [--template FILE]",
	 "Write a new revision source based on the head, from the template",
	 "  -m, --message MESSAGE  what the revision does (names the file <id>_<slug>.c)\n"
	 "  --autogenerate         fill upgrade/downgrade with the difference between the database and the model\n"
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
		"  pooler = auto|none|transaction, wait_for_replicas = DURATION,\n"
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

int main(int argc, char **argv)
{
	static const struct option global_opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"env", required_argument, NULL, 'e'},
		{"dsn", required_argument, NULL, 'D'},
		{"plugin-dir", required_argument, NULL, 'P'},
		{"schema", required_argument, NULL, 'S'},
		{"insecure-plugins", no_argument, NULL, 'I'},
		{"verbose", no_argument, NULL, 'v'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	vh_config_overrides ov = {0};
	vh_app app = {0};
	const vh_cmd *cmd;
	int c, rc, cmd_at, insecure = 0;

	/* '+' stops at the first non-option: the command's own options follow. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:e:vqhx:", global_opts, NULL)) != -1) {
		switch (c) {
		case 'c': ov.config_path = optarg; break;
		case 'e': ov.env = optarg; break;
		case 'D': ov.dsn = optarg; break;
		case 'P': ov.plugin_dir = optarg; break;
		case 'S': ov.schema = optarg; break;
		case 'I': insecure = 1; break;
		case 'v': app.verbose++; break;
		case 'q': app.quiet = 1; break;
		case 'x':
			if (!app.xargs && !(app.xargs = calloc((size_t)argc, sizeof(char *)))) {
				fprintf(stderr, "FAILED: out of memory\n");
				return 1;
			}
			app.xargs[app.nxargs++] = optarg;
			break;
		case 'h': usage(stdout); return finish_output(0);
		case 'V': printf("vhost %s (SDK ABI %d.%d)\n", VHOST_VERSION, VH_SDK_ABI_MAJOR,
				 VH_SDK_ABI_MINOR);
			return finish_output(0);
		default:
			fprintf(stderr, "FAILED: unknown or incomplete global option '%s'\n",
				argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd_at = optind;
	cmd = vh_cmd_find(argv[cmd_at]);
	if (!cmd) {
		fprintf(stderr, "FAILED: unknown command '%s' (see 'vhost --help')\n", argv[optind]);
		return 2;
	}
	if (has_help_flag(argc - cmd_at, argv + cmd_at)) {
		vh_cmd_print_help(cmd, stdout);
		return finish_output(0);
	}

	if ((rc = vh_config_load(&app.cfg, &ov)) < 0) {
		fprintf(stderr, "FAILED: %s\n", vh_error_last());
		return vh_error_exit_status(rc);
	}
	if (insecure)
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
