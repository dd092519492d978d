/* cmd_fleet.c - `--fleet NAME` on upgrade, downgrade, stamp, current, check
 * and `history --applied`: takes the fleet's options (-j, --keep-going,
 * --canary, --shard, --json) out of the command's arguments and hands the
 * rest to host/fleet, which runs the command itself once per target. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_cmd.h"
#include "vh_error.h"
#include "vh_fleet.h"
#include "vh_lint.h"
#include "vh_run.h"
#include "vh_workflow.h"

static const struct {
	const char *name;
	int action;
} fleet_cmds[] = {
	{"upgrade", VH_FLEET_ACT_UPGRADE}, {"downgrade", VH_FLEET_ACT_DOWNGRADE},
	{"stamp", VH_FLEET_ACT_STAMP},     {"current", VH_FLEET_ACT_CURRENT},
	{"check", VH_FLEET_ACT_CHECK},     {"history", VH_FLEET_ACT_HISTORY},
};

static int action_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(fleet_cmds) / sizeof(fleet_cmds[0]); i++)
		if (strcmp(fleet_cmds[i].name, name) == 0)
			return fleet_cmds[i].action;
	return 0;
}

int vh_cmd_fleet_wanted(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (strcmp(argv[i], "--fleet") == 0 || strncmp(argv[i], "--fleet=", 8) == 0)
			return 1;
	return 0;
}

void vh_cmd_fleet_help(const vh_cmd *cmd, FILE *out)
{
	if (!action_of(cmd->name))
		return;
	fprintf(out, "\nOver a fleet ([fleet.NAME] in the settings, see docs/fleet.md):\n"
		"  --fleet NAME    run over every target of the fleet, then print a table\n"
		"  -j, --jobs N    targets at once, one connection each (default: the fleet's jobs, 4)\n"
		"  --keep-going    run every target even after one failed (default: start no more)\n"
		"  --canary N      run N targets first, and the rest only if all of them succeed\n"
		"  --shard K/N     only share K of N (by hash of each target), for N machines\n"
		"  --json          the report as one JSON document\n");
}

/* A whole number from 1 to `max` for option `opt`. */
static int number(const char *opt, const char *val, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(val, &end, 10);
	if (!*val || *end || errno || v < 1 || v > max)
		return vh_error_set(VH_ERR_USAGE, "%s: bad value '%s' (expected a whole number from 1 "
				    "to %d)", opt, val, max);
	*out = (int)v;
	return 0;
}

/* Takes the value of an option at argv[*i] ("--opt V", "--opt=V", "-jV"). */
static const char *value(int argc, char **argv, int *i, size_t len)
{
	if (argv[*i][len] == '=')
		return argv[*i] + len + 1;
	if (argv[*i][len])
		return argv[*i] + len; /* -j4 */
	return *i + 1 < argc ? argv[++*i] : NULL;
}

/* Splits the fleet's options from the command's; child_argv gets the rest
 * (argv[0] first). */
static int parse(int argc, char **argv, vh_fleet_opts *o, char **child_argv, int *child_argc,
		 int *applied, int *purge, int *yes)
{
	static const char *const with_value[] = {"--fleet", "--jobs", "-j", "--canary", "--shard"};
	const char *v;
	size_t k, len;
	int i, rc = 0, rest = 0;

	child_argv[(*child_argc)++] = argv[0];
	for (i = 1; i < argc && rc == 0; i++) {
		const char *a = argv[i];

		if (rest || !strcmp(a, "--")) {
			rest = 1;
			child_argv[(*child_argc)++] = argv[i];
			continue;
		}
		for (k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++) {
			len = strlen(with_value[k]);
			if (!strncmp(a, with_value[k], len) &&
			    (!a[len] || a[len] == '=' || (len == 2 && a[len])))
				break;
		}
		if (k < sizeof(with_value) / sizeof(with_value[0])) {
			if (!(v = value(argc, argv, &i, len)))
				return vh_error_set(VH_ERR_USAGE, "%s: option '%s' needs a value", argv[0],
						    with_value[k]);
			if (k == 0)
				o->fleet = v;
			else if (k <= 2)
				rc = number("-j", v, 1000, &o->jobs);
			else if (k == 3)
				rc = number("--canary", v, 1000000, &o->canary);
			else
				rc = vh_fleet_parse_shard(v, &o->shard_k, &o->shard_n);
			continue;
		}
		if (!strcmp(a, "--keep-going")) {
			o->keep_going = 1;
			continue;
		}
		if (!strcmp(a, "--json")) {
			o->json = 1;
			/* current and history print their own JSON per target */
			if (o->action != VH_FLEET_ACT_HISTORY)
				continue;
		}
		if (!strcmp(a, "--sql"))
			return vh_error_set(VH_ERR_USAGE, "%s: --sql renders a script without a database; "
					    "it does not go with --fleet", argv[0]);
		*applied |= !strcmp(a, "--applied");
		*purge |= !strcmp(a, "--purge");
		*yes |= !strcmp(a, "--yes") || !strcmp(a, "-y");
		if (!strcmp(a, "--check-heads"))
			o->check_heads = 1;
		/* The positional of upgrade, downgrade and stamp (their options
		 * take no value), for the probe; "-1" is a revision too. */
		if (a[0] != '-' || (a[1] >= '0' && a[1] <= '9'))
			o->spec = o->spec ? "" : a;
		child_argv[(*child_argc)++] = argv[i];
	}
	return rc;
}

int vh_cmd_fleet(vh_app *app, const vh_cmd *cmd, int argc, char **argv)
{
	vh_fleet_opts o = {0};
	char **child_argv = calloc((size_t)argc + 2, sizeof(char *));
	int child_argc = 0, applied = 0, purge = 0, yes = 0, rc;

	if (!child_argv)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	o.action = action_of(cmd->name);
	if (!o.action) {
		rc = vh_error_set(VH_ERR_USAGE, "%s: --fleet goes with upgrade, downgrade, stamp, current, "
				  "check and history --applied", cmd->name);
		goto done;
	}
	if ((rc = parse(argc, argv, &o, child_argv, &child_argc, &applied, &purge, &yes)) < 0)
		goto done;
	/* Options are checked here too: where the probe finds nothing to do,
	 * no child would ever parse them. */
	if (o.action <= VH_FLEET_ACT_DOWNGRADE) {
		vh_run_opts ro = {0};
		const char *spec;

		if ((rc = vh_cmd_parse_run(child_argc, child_argv, &ro, &spec,
					   o.action == VH_FLEET_ACT_UPGRADE ? "head" : NULL)) < 0)
			goto done;
	}
	if (o.action == VH_FLEET_ACT_HISTORY && !applied) {
		rc = vh_error_set(VH_ERR_USAGE, "history: over a fleet, only --applied reads the "
				  "targets; the chain itself is the same everywhere");
		goto done;
	}
	/* A protected environment is confirmed once for the fleet, here: a
	 * child cannot ask (its stderr is a pipe), so the children get --yes. */
	if (o.action <= VH_FLEET_ACT_STAMP && !yes) {
		char what[200];

		snprintf(what, sizeof(what), "%s every target of fleet '%s'", cmd->name, o.fleet);
		if ((rc = vh_workflow_confirm(app, what, 0)) < 0)
			goto done;
		child_argv[child_argc++] = (char *)"--yes";
	}
	/* The spec the probe resolves: upgrade's default, none when two were
	 * given (the command says so) or when stamp --purge ignores the table. */
	if (o.action == VH_FLEET_ACT_UPGRADE && !o.spec)
		o.spec = "head";
	if ((o.spec && !*o.spec) || purge || o.action > VH_FLEET_ACT_STAMP)
		o.spec = NULL;
	/* The lint gate each child runs before its upgrade: its renderings
	 * made once, here, for all of them (vh_lint_cache.c). */
	if (o.action == VH_FLEET_ACT_UPGRADE) {
		int mode = 0;

		if (vh_lint_mode(app, &mode) == 0 && mode != 0)
			o.prepare = vh_lint_cache_prime;
		vh_error_clear();
	}
	rc = vh_fleet_main(app, &o, cmd->fn, child_argc, child_argv);
	vh_lint_cache_clear();
done:
	free(child_argv);
	return rc;
}
