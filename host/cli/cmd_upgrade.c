/* cmd_upgrade.c - `vhost upgrade [SPEC]`: apply revisions up to SPEC. */
#include "vh_cmd.h"
#include "vh_error.h"
#include "vh_lint.h"
#include "vh_run.h"

/* Options shared by upgrade and downgrade; ids index the fields below. */
enum { O_SQL = 1, O_DRY, O_SINGLE, O_DRIFT, O_RETRY, O_NOBACKUP, O_YES, O_WAIT, O_TAG, O_WITH_HISTORY };

static const vh_opt run_opts[] = {
	{"sql", 0, 0, O_SQL},
	{"dry-run", 0, 0, O_DRY},
	{"single-transaction", 0, 0, O_SINGLE},
	{"ignore-drift", 0, 0, O_DRIFT},
	{"retry-interrupted", 0, 0, O_RETRY},
	{"no-backup", 0, 0, O_NOBACKUP},
	{"yes", 'y', 0, O_YES},
	{"wait-for-replicas", 0, 1, O_WAIT},
	{"tag", 0, 1, O_TAG},
	{"with-history", 0, 0, O_WITH_HISTORY},
	{NULL, 0, 0, 0},
};

int vh_cmd_parse_run(int argc, char **argv, vh_run_opts *o, const char **spec, const char *def)
{
	const char *val;
	int pos = 1, id;

	*spec = NULL;
	while ((id = vh_cmd_next(argc, argv, &pos, run_opts, &val)) != -1) {
		switch (id) {
		case 0:
			if (*spec)
				return vh_error_set(VH_ERR_USAGE, "%s: one revision spec expected, got '%s' and '%s'",
						    argv[0], *spec, val);
			*spec = val;
			break;
		case O_SQL: o->sql = 1; break;
		case O_DRY: o->dry_run = 1; break;
		case O_SINGLE: o->single_txn = 1; break;
		case O_DRIFT: o->ignore_drift = 1; break;
		case O_RETRY: o->retry_interrupted = 1; break;
		case O_NOBACKUP: o->no_backup = 1; break;
		case O_YES: o->yes = 1; break;
		case O_WAIT: o->wait_for_replicas = val; break;
		case O_TAG: o->tag = val; break;
		case O_WITH_HISTORY: o->with_history = 1; break;
		default: return id; /* VH_ERR_USAGE from vh_cmd_next */
		}
	}
	if (!*spec)
		*spec = def;
	if (!*spec)
		return vh_error_set(VH_ERR_USAGE, "%s: a revision spec is required (see 'vhost %s --help')",
				    argv[0], argv[0]);
	if (o->with_history && !o->sql)
		return vh_error_set(VH_ERR_USAGE, "%s: --with-history goes with --sql (online runs always write history)",
				    argv[0]);
	if (o->sql && o->dry_run)
		return vh_error_set(VH_ERR_USAGE, "%s: --sql and --dry-run exclude each other", argv[0]);
	return 0;
}

static int upgrade_gate(vh_app *app, const char *spec)
{
	return vh_lint_gate(app, spec, 0, NULL);
}

int vh_cmd_upgrade(vh_app *app, int argc, char **argv)
{
	vh_run_opts o = {0};
	const char *spec;
	int rc;

	o.up = 1;
	if ((rc = vh_cmd_parse_run(argc, argv, &o, &spec, "head")) < 0)
		return rc;
	/* The `lint` setting: look at what is about to run before it runs
	 * (not for --sql, which runs nothing). Inside the run, so that a
	 * failover while lint looks is reconnected like any other. */
	o.gate = upgrade_gate;
	return vh_run(app, spec, &o);
}
